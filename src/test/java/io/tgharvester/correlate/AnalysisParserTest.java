package io.tgharvester.correlate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tgharvester.correlate.CorrelationRows.ArtifactHash;
import io.tgharvester.correlate.CorrelationRows.Domain;
import io.tgharvester.correlate.CorrelationRows.Ioc;
import io.tgharvester.correlate.CorrelationRows.NetworkFlow;
import io.tgharvester.correlate.CorrelationRows.Process;
import io.tgharvester.correlate.CorrelationRows.RegistryKey;
import io.tgharvester.correlate.CorrelationRows.Summary;
import io.tgharvester.correlate.CorrelationRows.Url;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AnalysisParserTest {
    private final AnalysisParser parser = new AnalysisParser();

    @Test
    void readsEverySectionOfAFullReport() throws Exception {
        RecordingSink sink = parse("rich.json");

        Summary s = sink.summary();
        assertEquals(Optional.of(95), s.threatScore());
        assertEquals(Optional.of(85), s.heuristicScore());
        assertEquals(Optional.of(100), s.maxSeverity());
        assertEquals(Optional.of("win10-x64"), s.vm());
        assertEquals(Optional.of(Instant.ofEpochSecond(1700000000)), s.analysisStart());
        assertEquals(Optional.of(Instant.ofEpochSecond(1700000300)), s.analysisEnd());
        assertEquals(Optional.of(300), s.durationSeconds());
        assertEquals(Optional.of("docm"), s.fileType());
        assertEquals(Optional.of("Microsoft OOXML"), s.magicType());
        assertEquals(2, s.behaviourCount());

        assertEquals(new Ioc("macro-autoexec", Optional.of("Document contains an auto-executing macro"),
                Optional.of("[\"file\",\"evasion\"]"), Optional.of("[\"office\",\"macro\"]"), Optional.of(80),
                Optional.of(90), Optional.of(2)), sink.iocs.get(0));
        assertEquals(List.of("macro-autoexec", "powershell-encoded"), sink.iocs.stream().map(Ioc::ioc).toList());

        assertEquals(new NetworkFlow(Optional.of("10.0.2.15"), Optional.of(49152), Optional.of("8.8.8.8"),
                Optional.of(53), Optional.of("UDP"), Optional.of("dns"), Optional.of(40L), Optional.of(56L),
                Optional.of(Instant.ofEpochSecond(1700000010)), Optional.of(Instant.ofEpochSecond(1700000011))),
                sink.flows.get(1));
        assertEquals(List.of("dhcp", "dns", "http"),
                sink.flows.stream().map(f -> f.protocol().orElseThrow()).toList());

        assertEquals(2, sink.hashes.size());
        assertEquals(Optional.of("ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb"),
                sink.hashes.get(0).sha256());
        assertEquals(Optional.of("0cc175b9c0f1b6a831c399e269772661"), sink.hashes.get(0).md5());
        assertEquals(List.of("submitted", "disk"), sink.hashes.stream().map(h -> h.origin().orElseThrow()).toList());
        assertEquals(Optional.of("PE32 executable"), sink.hashes.get(1).magicType());

        assertEquals(new Process("1", Optional.of(1000), Optional.of(600), Optional.of("WINWORD.EXE"),
                Optional.of("C:\\Program Files\\WINWORD.EXE"),
                Optional.of("\"C:\\Program Files\\WINWORD.EXE\" invoice.docm"),
                Optional.of("Is potential target sample."), Optional.of(Instant.ofEpochSecond(1700000002))),
                sink.processes.get(0));
        assertEquals(List.of("WINWORD.EXE", "powershell.exe"),
                sink.processes.stream().map(p -> p.name().orElseThrow()).toList());
        assertEquals(List.of(
                new RegistryKey(Optional.of(1000),
                        "HKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\upd", "created"),
                new RegistryKey(Optional.of(1000), "HKEY_CURRENT_USER\\Software\\Office", "modified"),
                new RegistryKey(Optional.of(1000), "HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Old", "deleted")),
                sink.registryKeys);
    }

    @Test
    void anHttpRequestBecomesAUrlWithTheStatusOfTheResponseThatFollowsIt() throws Exception {
        RecordingSink sink = parse("rich.json");

        assertEquals(List.of(
                new Url("http://evil.example.com:80/payload.bin", Optional.of("GET"), Optional.of("evil.example.com"),
                        Optional.of(200)),
                new Url("http://evil.example.com:80/report", Optional.of("POST"), Optional.of("evil.example.com"),
                        Optional.of(404))), sink.urls);
    }

    @Test
    void dnsAnswersAreTheAddressesEachDomainResolvedTo() throws Exception {
        RecordingSink sink = parse("rich.json");

        assertEquals(List.of(new Domain("evil.example.com", Optional.of("203.0.113.7,203.0.113.8")),
                new Domain("cdn.example.net", Optional.empty()),
                new Domain("www.cdn.example.net", Optional.of("198.51.100.9"))), sink.domains,
                "the CNAME and the answer to another query id are not addresses of the name");
    }

    @Test
    void decodedEntriesAreReadInEveryNestingThePublicClientsUse() throws Exception {
        RecordingSink sink = parse("decoded-nesting.json");

        assertEquals(List.of(
                new Url("http://single.example:80/a", Optional.of("GET"), Optional.of("single.example"),
                        Optional.empty()),
                new Url("http://lists.example:80/b", Optional.of("GET"), Optional.of("lists.example"), Optional.of(301)),
                new Url("http://lists.example:80/c", Optional.of("GET"), Optional.of("lists.example"), Optional.of(200)),
                new Url("http://keyed.example:80/d", Optional.of("PUT"), Optional.of("keyed.example"), Optional.of(500)),
                new Url("http://keyed-lists.example:80/e", Optional.of("GET"), Optional.of("keyed-lists.example"),
                        Optional.of(204)),
                new Url("http://deep.example:80/f", Optional.of("GET"), Optional.of("deep.example"), Optional.of(302)),
                new Url("http://h.example:8080/p?q=1", Optional.of("GET"), Optional.of("h.example"), Optional.of(200)),
                new Url("http://198.51.100.5:8080/x", Optional.of("GET"), Optional.of("198.51.100.5"),
                        Optional.of(403))), sink.urls);
        assertEquals(9, sink.flows.size());
        assertEquals(Optional.of("http"), sink.flows.get(0).protocol(), "the protocol stands in for the service");
    }

    @Test
    void domainsListedBeforeTheNetworkSectionGetTheAddressesOfItsDnsAnswers() throws Exception {
        RecordingSink sink = parse("decoded-nesting.json");

        assertEquals(List.of(new Domain("dns-list.example", Optional.of("198.51.100.1")),
                new Domain("only-listed.example", Optional.empty()),
                new Domain("dns-single.example", Optional.of("2001:db8::7")),
                new Domain("nxdomain.example", Optional.empty())), sink.domains);
    }

    @Test
    void aRelationObjectIsStoredAsJsonOfTheMembersThatHaveAValue() throws Exception {
        assertEquals(List.of(Optional.empty(), Optional.of("{\"network\":\"2\",\"process\":\"2\"}")),
                parse("rich.json").hashes.stream().map(ArtifactHash::relation).toList());
        assertEquals(List.of(Optional.of("dropped"), Optional.of("{\"contains\":[1,2.50,{}],\"network\":true}")),
                parse("unusual.json").hashes.stream().map(ArtifactHash::relation).toList());
    }

    @Test
    void processesJsonAddsToTheAnalysisProcessesOneRowPerProcess() throws Exception {
        RecordingSink sink = new RecordingSink();

        parser.parse(fixture("merge-analysis.json"), Optional.of(fixture("merge-processes.json")), sink);

        assertEquals(List.of(
                new Process("1", Optional.of(2000), Optional.of(4), Optional.of("svchost.exe"),
                        Optional.of("C:\\Windows\\System32\\svchost.exe"), Optional.of("svchost -k netsvcs"),
                        Optional.of("Process activity after target sample started."), Optional.empty()),
                new Process("2", Optional.of(2004), Optional.of(2000), Optional.of("payload.exe"), Optional.empty(),
                        Optional.empty(), Optional.empty(), Optional.of(Instant.parse("2022-12-21T12:10:16Z"))),
                new Process("3", Optional.of(2100), Optional.empty(), Optional.of("no-pid.exe"), Optional.empty(),
                        Optional.empty(), Optional.of("Parent is being analyzed"),
                        Optional.of(Instant.parse("2022-12-21T12:10:20Z"))),
                new Process("4", Optional.of(2008), Optional.of(2004), Optional.of("cmd.exe"), Optional.empty(),
                        Optional.empty(), Optional.of("Parent is being analyzed"), Optional.empty())),
                sink.processes, "analysis.json's values win, processes.json fills the gaps and adds cmd.exe");
        assertEquals(List.of(new RegistryKey(Optional.of(2000), "HKLM\\SYSTEM\\a", "created"),
                new RegistryKey(Optional.of(2000), "HKLM\\SYSTEM\\b", "deleted"),
                new RegistryKey(Optional.of(2004), "HKLM\\SYSTEM\\y", "modified")), sink.registryKeys);
        assertEquals(Optional.of(40), sink.summary().threatScore());
    }

    @Test
    void theAnalysisProcessesAreKeptWhenProcessesJsonHasOthers() throws Exception {
        RecordingSink sink = new RecordingSink();

        parser.parse(fixture("rich.json"), Optional.of(fixture("merge-processes.json")), sink);

        assertEquals(List.of("WINWORD.EXE", "powershell.exe", "SVCHOST.EXE", "payload.exe", "no-pid.exe", "cmd.exe"),
                sink.processes.stream().map(p -> p.name().orElseThrow()).toList());
        assertEquals(2, sink.iocs.size());
    }

    @Test
    void aReportWithOnlyAThreatScoreYieldsItsSummaryAndNothingElse() throws Exception {
        RecordingSink sink = parse("minimal.json");

        assertEquals(new Summary(Optional.of(10), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), 0),
                sink.summary());
        assertTrue(sink.iocs.isEmpty() && sink.flows.isEmpty() && sink.domains.isEmpty() && sink.hashes.isEmpty()
                && sink.processes.isEmpty() && sink.registryKeys.isEmpty() && sink.urls.isEmpty());
    }

    @Test
    void sectionsOfTheWrongTypeAreSkipped() throws Exception {
        RecordingSink sink = parse("empty-sections.json");

        assertEquals(0, sink.summary().behaviourCount());
        assertTrue(sink.iocs.isEmpty() && sink.flows.isEmpty() && sink.domains.isEmpty() && sink.hashes.isEmpty()
                && sink.processes.isEmpty());
    }

    @Test
    void toleratesQuotedNumbersFloatsNullsUnicodeAndUnknownKeys() throws Exception {
        RecordingSink sink = parse("unusual.json");

        Summary s = sink.summary();
        assertEquals(Optional.of(77), s.threatScore());
        assertEquals(Optional.of(60), s.heuristicScore());
        assertEquals(Optional.of(Instant.ofEpochMilli(1700000000500L)), s.analysisStart());
        assertEquals(Optional.of(Instant.ofEpochMilli(1700000100250L)), s.analysisEnd());
        assertEquals(Optional.of(100), s.durationSeconds());
        assertEquals(Optional.empty(), s.vm());
        assertEquals(Optional.empty(), s.fileType());
        assertEquals(1, s.behaviourCount());
        assertEquals(Optional.of(55), s.maxSeverity());

        assertEquals(new Ioc("café-ioc", Optional.of("Café \ud83d\ude00"), Optional.of("[\"network\"]"),
                Optional.of("[]"), Optional.of(55), Optional.of(70), Optional.empty()), sink.iocs.get(0));
        assertEquals(1, sink.iocs.size());

        assertEquals(new NetworkFlow(Optional.of("10.0.2.15"), Optional.of(49200), Optional.of("2001:db8::1"),
                Optional.of(443), Optional.of("tcp"), Optional.of("443"), Optional.of(1000L), Optional.empty(),
                Optional.of(Instant.parse("2023-11-14T22:13:20Z")), Optional.empty()), sink.flows.get(0));
        assertEquals(2, sink.flows.size(), "the session that is not an object is no flow");
        assertTrue(sink.urls.isEmpty(), "a request entry without URL or path is no URL");

        assertEquals(List.of(new Domain("банк.рф", Optional.of("198.51.100.1")),
                new Domain("xn--80ak6aa92e.com", Optional.of("198.51.100.2"))), sink.domains);

        assertEquals(Optional.of("C:\\Users\\üser\\Desktop\\файл.exe"), sink.hashes.get(0).path());
        assertEquals(Optional.of("a".repeat(64)), sink.hashes.get(0).sha256());
        assertEquals(Optional.of(12L), sink.hashes.get(0).size());
        assertEquals(Optional.empty(), sink.hashes.get(0).magicType());

        assertEquals(List.of(new Process("7", Optional.of(4242), Optional.empty(), Optional.of("évil.exe"),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(Instant.ofEpochSecond(1700000050)))),
                sink.processes);
        assertEquals(List.of(new RegistryKey(Optional.of(4242), "HKCU\\Software\\évil", "deleted")),
                sink.registryKeys);
    }

    @Test
    void aTruncatedFileIsMalformed() {
        MalformedAnalysis e = assertThrows(MalformedAnalysis.class, () -> parse("truncated.json"));

        assertTrue(e.getMessage().contains("truncated.json"), e.getMessage());
    }

    @Test
    void badSyntaxIsMalformed() {
        assertThrows(MalformedAnalysis.class, () -> parse("broken.json"));
    }

    @Test
    void aDocumentThatIsNotAnObjectIsMalformed() {
        assertThrows(MalformedAnalysis.class, () -> parse("not-an-object.json"));
    }

    private RecordingSink parse(String name) throws Exception {
        RecordingSink sink = new RecordingSink();
        parser.parse(fixture(name), Optional.empty(), sink);
        return sink;
    }

    static Path fixture(String name) throws URISyntaxException {
        return Path.of(AnalysisParserTest.class.getResource("/analysis/" + name).toURI());
    }
}
