package io.tgharvester.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tgharvester.sim.PcapRecords.Packet;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A backlog's size mix: padded artifacts stay well-formed, hold what the compact ones hold, and come in that mix. */
class ArtifactSizesTest {
    private static final Instant LATER = Fixtures.START.plus(Duration.ofDays(1));

    /** 300 finished samples, none failed, all with capture and video. */
    private static List<SimulatedSample> succeeded() {
        SimulatorConfig org = new SimulatorConfig(Fixtures.KEY, List.of("alice.soc"), 0, Duration.ofHours(1), 300,
                Duration.ofHours(6), 300, Duration.ofSeconds(1), 0, 0, 0, 5L);
        return new SimulatedOrg(org, Fixtures.START).samplesAt(LATER).stream()
                .filter(s -> s.stateAt(LATER).equals("succ") && s.hasPcap() && s.hasVideo()).toList();
    }

    private static byte[] served(Artifact artifact, SimulatedSample sample, ArtifactSizes sizes) {
        return artifact.servedAt(sample, LATER, sizes).orElseThrow();
    }

    @Test
    void paddedArtifactsHoldTheCompactContentAndStayWellFormed() throws Exception {
        for (SimulatedSample sample : succeeded().subList(0, 5)) {
            Map<Object, Object> analysis = new HashMap<>(SimulatorCalls.json(
                    served(Artifact.ANALYSIS, sample, ArtifactSizes.BACKLOG_MIX)));
            assertTrue(analysis.remove("padding") instanceof String, "the bulk sits under one unknown key");
            assertEquals(SimulatorCalls.json(served(Artifact.ANALYSIS, sample, ArtifactSizes.COMPACT)), analysis);

            List<Packet> compact = PcapRecords.read(served(Artifact.PCAP, sample, ArtifactSizes.COMPACT));
            List<Packet> padded = PcapRecords.read(served(Artifact.PCAP, sample, ArtifactSizes.BACKLOG_MIX));
            assertTrue(padded.size() > compact.size(), "noise datagrams after the sessions");
            for (int i = 0; i < compact.size(); i++) {
                assertArrayEquals(compact.get(i).payload(), padded.get(i).payload());
            }

            List<EbmlElements.Element> video = EbmlElements.read(served(Artifact.VIDEO, sample,
                    ArtifactSizes.BACKLOG_MIX));
            assertEquals(List.of(0x1A45DFA3L, 0x18538067L), video.stream().map(EbmlElements.Element::id).toList());
            assertArrayEquals(served(Artifact.VIDEO, sample, ArtifactSizes.BACKLOG_MIX),
                    served(Artifact.VIDEO, sample, ArtifactSizes.BACKLOG_MIX), "the same bytes every time");
        }
    }

    @Test
    void sizesRangeFromKilobytesToMegabytesAndAverageAboutOneMegabyteASample() {
        List<SimulatedSample> samples = succeeded();
        long total = 0;
        long smallest = Long.MAX_VALUE;
        long largest = 0;
        for (SimulatedSample sample : samples) {
            for (Artifact artifact : Artifact.values()) {
                long size = served(artifact, sample, ArtifactSizes.BACKLOG_MIX).length;
                total += size;
                smallest = Math.min(smallest, size);
                largest = Math.max(largest, size);
            }
        }
        double perSample = (double) total / samples.size();
        assertEquals(300, samples.size());
        assertTrue(perSample > 600_000 && perSample < 2_000_000, "per sample: " + perSample);
        assertTrue(smallest < 50_000, "small files: " + smallest);
        assertTrue(largest > 1_000_000, "files of megabytes: " + largest);
    }
}
