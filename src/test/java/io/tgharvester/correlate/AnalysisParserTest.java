package io.tgharvester.correlate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
                Optional.of(53), Optional.of("udp"), Optional.of("dns"), Optional.of(40L), Optional.of(56L),
                Optional.of(Instant.ofEpochSecond(1700000010)), Optional.of(Instant.ofEpochSecond(1700000011))),
                sink.flows.get(0));
        assertEquals(2, sink.flows.size());
        assertEquals(List.of(new Url("http://evil.example.com/payload.bin", Optional.of("GET"), Optional.of(200)),
                new Url("http://evil.example.com/report", Optional.of("POST"), Optional.of(404))), sink.urls);

        assertEquals(List.of(new Domain("evil.example.com", Optional.of("203.0.113.7,203.0.113.8")),
                new Domain("cdn.example.net", Optional.empty())), sink.domains);

        assertEquals(2, sink.hashes.size());
        assertEquals(Optional.of("ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb"),
                sink.hashes.get(0).sha256());
        assertEquals(Optional.of("0cc175b9c0f1b6a831c399e269772661"), sink.hashes.get(0).md5());
        assertEquals(Optional.of("dropped"), sink.hashes.get(1).relation());
        assertEquals(Optional.of("PE32 executable"), sink.hashes.get(1).magicType());

        assertEquals(new Process("1", Optional.of(1000), Optional.of(600), Optional.of("WINWORD.EXE"),
                Optional.of("C:\\Program Files\\WINWORD.EXE"),
                Optional.of("\"C:\\Program Files\\WINWORD.EXE\" invoice.docm"), Optional.of("target"),
                Optional.of(Instant.ofEpochSecond(1700000002))), sink.processes.get(0));
        assertEquals(List.of("WINWORD.EXE", "powershell.exe"),
                sink.processes.stream().map(p -> p.name().orElseThrow()).toList());
        assertEquals(List.of(
                new RegistryKey(Optional.of(1000),
                        "HKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\upd", "created"),
                new RegistryKey(Optional.of(1000), "HKEY_CURRENT_USER\\Software\\Office", "modified"),
                new RegistryKey(Optional.of(1000), "HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies", "read")),
                sink.registryKeys);
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
        assertEquals(1, sink.flows.size());

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
    void processesComeFromProcessesJsonWhenItIsGiven() throws Exception {
        RecordingSink sink = new RecordingSink();

        parser.parse(fixture("rich.json"), Optional.of(fixture("processes.json")), sink);

        assertEquals(List.of("svchost.exe", "payload.exe", "cmd.exe"),
                sink.processes.stream().map(p -> p.name().orElseThrow()).toList());
        assertEquals(List.of(new RegistryKey(Optional.of(2004), "HKLM\\SYSTEM\\x", "created"),
                new RegistryKey(Optional.of(2004), "HKLM\\SYSTEM\\y", "modified"),
                new RegistryKey(Optional.of(2004), "HKLM\\SYSTEM\\z", "read")), sink.registryKeys);
        assertEquals(Optional.of(Instant.parse("2022-12-21T12:10:16Z")), sink.processes.get(1).startedAt());
        assertEquals(2, sink.iocs.size());
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
