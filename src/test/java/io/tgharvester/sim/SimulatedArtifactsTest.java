package io.tgharvester.sim;

import static io.tgharvester.sim.Fixtures.KEY;
import static io.tgharvester.sim.Fixtures.START;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tgharvester.TestClock;
import io.tgharvester.sim.EbmlElements.Element;
import io.tgharvester.sim.PcapRecords.Packet;
import io.tgharvester.sim.SimulatedAnalysis.DroppedFile;
import io.tgharvester.sim.SimulatedAnalysis.Ioc;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The four artifacts: when they are served, that their bytes are stable and well-formed, and what they contain. */
class SimulatedArtifactsTest {
    private static final List<String> NAMES = List.of("analysis.json", "processes.json", "network.pcap",
            "video.webm");

    @RegisterExtension
    final RunningSimulator running = new RunningSimulator(Duration.ofHours(1));

    @Test
    void servesArtifactsOnlyOnceTheSampleHasSucceeded() throws Exception {
        SimulatedSample sample = sample(s -> s.finalState().equals("succ") && s.hasVideo() && s.hasPcap());

        running.clock().set(sample.completedAt().minusSeconds(1));
        for (String name : NAMES) {
            assertEquals(404, running.calls().get(artifact(sample, name)).statusCode(), name);
            assertEquals(Optional.empty(), running.simulator().groundTruth().artifactSha256(sample.id(), name), name);
        }
        running.clock().set(sample.completedAt());
        for (String name : NAMES) {
            assertEquals(200, running.calls().get(artifact(sample, name)).statusCode(), name);
            assertTrue(running.simulator().groundTruth().artifactSha256(sample.id(), name).isPresent(), name);
        }
    }

    @Test
    void failedSamplesHaveNoArtifacts() throws Exception {
        SimulatedSample failed = sample(s -> s.finalState().equals("fail"));

        for (String name : NAMES) {
            HttpResponse<byte[]> response = running.calls().get(artifact(failed, name));
            assertEquals(404, response.statusCode(), name);
            assertEquals(404.0, ((Map<?, ?>) SimulatorCalls.json(response.body()).get("error")).get("code"));
        }
    }

    @Test
    void artifactBytesAreStableAcrossRequestsAndMatchTheGroundTruth() throws Exception {
        SimulatedSample sample = sample(s -> s.finalState().equals("succ") && s.hasVideo() && s.hasPcap());
        Map<String, String> types = Map.of("analysis.json", "application/json", "processes.json",
                "application/json", "network.pcap", "application/vnd.tcpdump.pcap", "video.webm", "video/webm");

        for (String name : NAMES) {
            HttpResponse<byte[]> once = running.calls().get(artifact(sample, name));
            HttpResponse<byte[]> twice = running.calls().raw(artifact(sample, name), "Authorization", "bearer " + KEY);
            assertArrayEquals(once.body(), twice.body(), name);
            assertEquals(types.get(name), once.headers().firstValue("Content-Type").orElseThrow(), name);
            assertEquals(once.body().length, once.headers().firstValueAsLong("Content-Length").orElseThrow(), name);
            assertEquals(running.simulator().groundTruth().artifactSha256(sample.id(), name).orElseThrow(), sha256(once.body()),
                    name);
        }
    }

    @Test
    void aRangeFromAByteIsServedAs206WithItsContentRangeAndFromBeyondTheEndAs416() throws Exception {
        SimulatedSample sample = sample(s -> s.finalState().equals("succ") && s.hasPcap());
        String path = artifact(sample, "network.pcap");
        byte[] whole = running.calls().get(path).body();

        HttpResponse<byte[]> rest = running.calls().raw(path, "Authorization", "bearer " + KEY, "Range", "bytes=100-");
        HttpResponse<byte[]> beyond = running.calls().raw(path, "Authorization", "bearer " + KEY,
                "Range", "bytes=" + whole.length + "-");

        assertEquals(206, rest.statusCode());
        assertEquals("bytes 100-" + (whole.length - 1) + "/" + whole.length,
                rest.headers().firstValue("Content-Range").orElseThrow());
        assertArrayEquals(Arrays.copyOfRange(whole, 100, whole.length), rest.body());
        assertEquals("bytes", rest.headers().firstValue("Accept-Ranges").orElseThrow());
        assertEquals(416, beyond.statusCode());
        assertEquals("bytes */" + whole.length, beyond.headers().firstValue("Content-Range").orElseThrow());
    }

    @Test
    void samplesWithoutVideoOrCaptureAnswer404ForThemAndServeTheRest() throws Exception {
        SimulatedSample noVideo = sample(s -> s.finalState().equals("succ") && !s.hasVideo());
        SimulatedSample noPcap = sample(s -> s.finalState().equals("succ") && !s.hasPcap());
        GroundTruth truth = running.simulator().groundTruth();

        assertEquals(404, running.calls().get(artifact(noVideo, "video.webm")).statusCode());
        assertEquals(404, running.calls().get(artifact(noPcap, "network.pcap")).statusCode());
        assertEquals(Optional.empty(), truth.artifactSha256(noVideo.id(), "video.webm"));
        assertEquals(Optional.empty(), truth.artifactSha256(noPcap.id(), "network.pcap"));
        assertEquals(200, running.calls().get(artifact(noVideo, "analysis.json")).statusCode());
        assertEquals(200, running.calls().get(artifact(noPcap, "processes.json")).statusCode());
    }

    @Test
    void analysisJsonHasThreatGridsSectionsAndAgreesWithTheGroundTruth() throws Exception {
        SimulatedSample sample = sample(s -> s.finalState().equals("succ") && !s.analysis().dropped().isEmpty());
        SimulatedAnalysis truth = sample.analysis();

        Map<?, ?> report = SimulatorCalls.json(running.calls().get(artifact(sample, "analysis.json")).body());

        assertTrue(report.keySet().containsAll(Set.of("metadata", "status", "threat", "iocs", "network", "domains",
                "artifacts", "dynamic", "annotations", "warnings", "version")), report.keySet().toString());
        Map<?, ?> metadata = (Map<?, ?>) report.get("metadata");
        Map<?, ?> described = (Map<?, ?>) ((List<?>) metadata.get("malware_desc")).get(0);
        assertEquals(sample.sha256(), described.get("sha256"));
        assertEquals(sample.filename(), described.get("filename"));
        assertTrue(described.keySet().containsAll(Set.of("magic", "md5", "sha1", "size", "type")));
        Map<?, ?> env = (Map<?, ?>) metadata.get("sandcastle_env");
        assertEquals((double) sample.runAt().getEpochSecond(), env.get("analysis_start"));
        assertEquals((double) sample.procAt().getEpochSecond(), env.get("analysis_end"));
        assertEquals(sample.vm(), env.get("vm"));
        assertTrue(((Map<?, ?>) metadata.get("general_details")).get("report_created") instanceof Double);
        assertEquals((double) truth.threatScore(), ((Map<?, ?>) report.get("threat")).get("threat_score"));
        assertEquals(truth.iocs().stream().map(Ioc::name).toList(),
                ((List<?>) report.get("iocs")).stream().map(i -> ((Map<?, ?>) i).get("ioc")).toList());
        Map<?, ?> domains = (Map<?, ?>) report.get("domains");
        assertEquals(truth.domains(), List.copyOf(domains.keySet()));
        assertEquals(Set.of("status", "content_categories", "security_categories"),
                ((Map<?, ?>) domains.get(truth.domains().get(0))).keySet(), "addresses come from DNS sessions only");
        Map<?, ?> artifacts = (Map<?, ?>) report.get("artifacts");
        assertEquals(truth.dropped().stream().map(DroppedFile::sha256).toList(), artifacts.values().stream()
                .map(a -> (Map<?, ?>) a).filter(a -> a.get("origin").equals("disk")).map(a -> a.get("sha256"))
                .toList());
        Map<?, ?> relation = (Map<?, ?>) ((Map<?, ?>) artifacts.get("1")).get("relation");
        assertEquals(List.of("contains", "extracted_from", "network", "process"), List.copyOf(relation.keySet()));
        Map<?, ?> network = (Map<?, ?>) report.get("network");
        assertEquals(2 * truth.domains().size(), network.size());
        assertTrue(((Map<?, ?>) network.get("0")).keySet().containsAll(Set.of("src", "src_port", "dst", "dst_port",
                "transport", "service", "bytes_orig", "bytes_resp", "ts_begin", "ts_end")));
        Map<?, ?> target = (Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) report.get("dynamic")).get("processes")).get("2");
        assertEquals("Is potential target sample.", target.get("analyzed_because"));
        assertTrue(((String) target.get("time")).matches("\\w{3}, \\d{2} \\w{3} \\d{4} \\d{2}:\\d{2}:\\d{2} UTC"));
        assertTrue(((Map<?, ?>) target.get("startup_info")).containsKey("command_line"));
        assertEquals(truth.dropped().stream().map(DroppedFile::path).toList(), target.get("files_created"));
    }

    @Test
    void processesJsonHoldsTheAnalysisProcesses() throws Exception {
        SimulatedSample sample = sample(s -> s.finalState().equals("succ"));

        Map<?, ?> analysis = SimulatorCalls.json(running.calls().get(artifact(sample, "analysis.json")).body());
        Map<?, ?> processes = SimulatorCalls.json(running.calls().get(artifact(sample, "processes.json")).body());

        assertEquals(Map.of("processes", ((Map<?, ?>) analysis.get("dynamic")).get("processes")), processes);
        assertEquals(sample.analysis().processNames(), ((Map<?, ?>) processes.get("processes")).values().stream()
                .map(p -> ((Map<?, ?>) p).get("process_name")).toList());
    }

    @Test
    void eachSessionDecodesToTheDnsAnswerOrTheHttpRequestAndResponseTheGroundTruthHas() throws Exception {
        SimulatedSample sample = sample(s -> s.finalState().equals("succ") && s.analysis().domains().size() > 1);
        SimulatedAnalysis truth = sample.analysis();
        Map<?, ?> network = (Map<?, ?>) SimulatorCalls.json(running.calls().get(artifact(sample, "analysis.json"))
                .body()).get("network");

        for (int i = 0; i < truth.domains().size(); i++) {
            Map<?, ?> dns = (Map<?, ?>) network.get(String.valueOf(2 * i));
            assertEquals("DNS", dns.get("protocol"));
            Map<?, ?> lookup = (Map<?, ?>) ((Map<?, ?>) dns.get("decoded")).get("0");
            assertEquals(truth.domains().get(i), ((Map<?, ?>) lookup.get("query")).get("query_data"));
            assertEquals(List.of(truth.ips().get(i)), ((List<?>) lookup.get("answers")).stream()
                    .map(a -> ((Map<?, ?>) a).get("answer_data")).toList());
            Map<?, ?> http = (Map<?, ?>) network.get(String.valueOf(2 * i + 1));
            assertEquals("HTTP", http.get("protocol"));
            List<?> entries = (List<?>) http.get("decoded");
            List<?> exchange = entries.get(0) instanceof List<?> nested ? nested : entries;
            Map<?, ?> request = (Map<?, ?>) exchange.get(0);
            Map<?, ?> response = (Map<?, ?>) exchange.get(1);
            assertEquals(List.of("request", "response"), List.of(request.get("type"), response.get("type")));
            assertEquals(sample.urls().get(i), request.get("url"));
            assertEquals(truth.domains().get(i), request.get("host"));
            assertEquals(200.0, response.get("status_code"));
        }
    }

    @Test
    void theCaptureHoldsTheDnsLookupsAndHttpSessionsTheAnalysisReports() throws Exception {
        SimulatedSample sample = sample(s -> s.finalState().equals("succ") && s.hasPcap()
                && s.analysis().domains().size() > 1);
        List<Packet> packets = PcapRecords.read(running.calls().get(artifact(sample, "network.pcap")).body());
        Map<?, ?> network = (Map<?, ?>) SimulatorCalls.json(running.calls().get(artifact(sample, "analysis.json")).body())
                .get("network");

        assertEquals(8 * sample.analysis().domains().size(), packets.size(), "DNS pair and six TCP packets each");
        for (int i = 0; i < sample.analysis().domains().size(); i++) {
            String domain = sample.analysis().domains().get(i);
            String ip = sample.analysis().ips().get(i);
            assertTrue(packets.stream().anyMatch(p -> p.dstPort() == 53 && p.protocol() == 17
                    && ascii(p.payload()).contains(domain.split("\\.")[0])), domain);
            assertTrue(packets.stream().anyMatch(p -> p.dst().equals(ip) && p.dstPort() == 80
                    && ascii(p.payload()).startsWith("GET /") && ascii(p.payload()).contains("Host: " + domain)), ip);
        }
        long sessionBytes = network.values().stream().mapToLong(n -> (long) (double) ((Map<?, ?>) n)
                .get("bytes_orig") + (long) (double) ((Map<?, ?>) n).get("bytes_resp")).sum();
        assertEquals(sessionBytes, packets.stream().mapToLong(p -> p.payload().length).sum(),
                "analysis.json counts the bytes the capture carries");
    }

    @Test
    void theVideoIsAWebmWithOneVp8TrackAndAClusterOfBlocks() throws Exception {
        SimulatedSample sample = sample(s -> s.finalState().equals("succ") && s.hasVideo());

        List<Element> top = EbmlElements.read(running.calls().get(artifact(sample, "video.webm")).body());

        assertEquals(List.of(0x1A45DFA3L, 0x18538067L), top.stream().map(Element::id).toList(), "EBML, Segment");
        assertEquals("webm", top.get(0).child(0x4282).orElseThrow().text());
        Element segment = top.get(1);
        assertTrue(segment.child(0x1549A966).isPresent(), "Info");
        Element track = segment.child(0x1654AE6B).orElseThrow().child(0xAE).orElseThrow();
        assertEquals("V_VP8", track.child(0x86).orElseThrow().text());
        List<Element> blocks = segment.child(0x1F43B675).orElseThrow().children().stream()
                .filter(e -> e.id() == 0xA3).toList();
        assertTrue(blocks.size() > 1);
        assertEquals((byte) 0x80, blocks.get(0).data()[3], "the first block is a key frame");
        assertArrayEquals(new byte[] {(byte) 0x9d, 0x01, 0x2a}, Arrays.copyOfRange(blocks.get(0).data(),
                7, 10), "VP8 key frame start code");
    }

    @Test
    void simulatorsWithTheSameSeedServeTheSameBytes() throws Exception {
        TestClock twinClock = new TestClock(START);
        try (ThreatGridSimulator twin = new ThreatGridSimulator(Fixtures.mixed(), twinClock)) {
            twinClock.set(running.clock().instant());
            twin.start(0);
            SimulatorCalls twinCalls = new SimulatorCalls(twin, KEY);
            SimulatedSample sample = sample(s -> s.finalState().equals("succ") && s.hasVideo() && s.hasPcap());
            for (String name : NAMES) {
                assertArrayEquals(running.calls().get(artifact(sample, name)).body(), twinCalls.get(artifact(sample, name))
                        .body(), name);
            }
            GroundTruth mine = running.simulator().groundTruth();
            GroundTruth theirs = twin.groundTruth();
            for (SimulatedSample s : mine.samples()) {
                for (String name : NAMES) {
                    assertEquals(mine.artifactSha256(s.id(), name), theirs.artifactSha256(s.id(), name));
                }
            }
        }
    }

    @Test
    void aPacedArtifactStartsAtOnceAndArrivesWholeOnlyAfterThePace() throws Exception {
        SimulatedSample sample = sample(s -> s.finalState().equals("succ"));
        running.simulator().artifactPace(Duration.ofSeconds(1));

        long started = System.nanoTime();
        HttpResponse<InputStream> response = running.calls().streamed(artifact(sample, "analysis.json"));
        long headersAfter = System.nanoTime() - started;
        byte[] body;
        try (InputStream in = response.body()) {
            body = in.readAllBytes();
        }
        long wholeAfter = System.nanoTime() - started;

        assertEquals(200, response.statusCode());
        assertTrue(headersAfter < 500_000_000L, "the answer starts at once, not after " + headersAfter + " ns");
        assertTrue(wholeAfter >= 1_000_000_000L, "the last bytes come after the pace, not after " + wholeAfter + " ns");
        assertEquals(running.simulator().groundTruth().artifactSha256(sample.id(), "analysis.json").orElseThrow(),
                sha256(body));
    }

    private SimulatedSample sample(Predicate<SimulatedSample> wanted) {
        return running.simulator().groundTruth().samples().stream().filter(wanted).findFirst().orElseThrow();
    }

    private static String artifact(SimulatedSample sample, String name) {
        return "/api/v2/samples/" + sample.id() + "/" + name;
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static String ascii(byte[] bytes) {
        return new String(bytes, StandardCharsets.US_ASCII);
    }
}
