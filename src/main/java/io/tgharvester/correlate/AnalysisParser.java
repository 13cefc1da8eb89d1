package io.tgharvester.correlate;

import static io.tgharvester.correlate.JsonObjects.eachElement;
import static io.tgharvester.correlate.JsonObjects.eachField;
import static io.tgharvester.correlate.JsonObjects.eachMember;
import static io.tgharvester.correlate.LenientValues.enterArray;
import static io.tgharvester.correlate.LenientValues.epochSeconds;
import static io.tgharvester.correlate.LenientValues.integer;
import static io.tgharvester.correlate.LenientValues.text;
import static io.tgharvester.correlate.LenientValues.texts;

import com.squareup.moshi.JsonDataException;
import com.squareup.moshi.JsonEncodingException;
import com.squareup.moshi.JsonReader;
import com.squareup.moshi.JsonReader.Options;
import com.squareup.moshi.JsonWriter;
import io.tgharvester.correlate.CorrelationRows.Ioc;
import io.tgharvester.correlate.CorrelationRows.Summary;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import okio.Buffer;
import okio.BufferedSource;
import okio.Okio;

/**
 * Streams a sample's analysis.json (and processes.json) into a {@link CorrelationSink}, one row at a time, never
 * holding the document: a report of hundreds of megabytes parses in a small heap. Sections may be missing, unknown keys
 * are skipped, and values of an unexpected type become absent values instead of failures. The shapes read are those of
 * the public examples named in src/test/resources/analysis/SOURCES.
 */
public final class AnalysisParser {
    /** Raised whenever the parser starts reading something it did not before, so stored analyses get reparsed. */
    public static final int VERSION = 2;

    private static final Options ANALYSIS = Options.of("metadata", "threat", "iocs", "network", "domains",
            "artifacts", "dynamic", "processes");
    /** processes.json's layout is not publicly documented: its processes are looked for where analysis.json's are. */
    private static final Options PROCESSES_JSON = Options.of("dynamic", "processes");
    private static final Options DYNAMIC = Options.of("processes");
    private static final Options METADATA = Options.of("malware_desc", "sandcastle_env");
    private static final Options MALWARE_DESC = Options.of("type", "magic");
    private static final Options SANDCASTLE_ENV = Options.of("analysis_start", "analysis_end", "vm", "run_time");
    private static final Options THREAT = Options.of("threat_score", "heuristic_score");
    private static final Options IOC = Options.of("ioc", "title", "category", "tags", "severity", "confidence",
            "hits");

    /**
     * Parses {@code analysis} and, when given, {@code processes}, whose processes add to analysis.json's own
     * {@code dynamic.processes} (see {@link ProcessRows} for how the two are merged).
     *
     * @throws MalformedAnalysis a file is not a JSON object or is cut short
     * @throws IOException a file cannot be read
     */
    public void parse(Path analysis, Optional<Path> processes, CorrelationSink sink)
            throws IOException, MalformedAnalysis {
        DomainRows domains = new DomainRows(sink);
        ProcessRows processRows = processes.isPresent() ? ProcessRows.merging(sink) : ProcessRows.streaming(sink);
        SummaryFields summary = new SummaryFields();
        document(analysis, in -> eachField(in, ANALYSIS, field -> {
            switch (field) {
                case 0 -> eachField(in, METADATA, m -> {
                    if (m == 0) {
                        malwareDesc(in, summary);
                    } else {
                        sandcastleEnv(in, summary);
                    }
                });
                case 1 -> eachField(in, THREAT, t -> {
                    if (t == 0) {
                        summary.threatScore = integer(in);
                    } else {
                        summary.heuristicScore = integer(in);
                    }
                });
                case 2 -> eachElement(in, () -> ioc(in, summary, sink));
                case 3 -> NetworkSection.read(in, sink, domains);
                // Keyed by name; its entries carry a status and categories, the addresses come from DNS sessions.
                case 4 -> eachMember(in, name -> {
                    in.skipValue();
                    domains.listed(name);
                });
                case 5 -> ArtifactSection.read(in, sink);
                case 6 -> dynamic(in, processRows);
                default -> ProcessSection.read(in, processRows);
            }
        }));
        sink.summary(summary.toSummary());
        domains.finish();
        if (processes.isPresent()) {
            processRows.readingProcessesJson();
            document(processes.get(), in -> eachField(in, PROCESSES_JSON, field -> {
                if (field == 0) {
                    dynamic(in, processRows);
                } else {
                    ProcessSection.read(in, processRows);
                }
            }));
        }
        processRows.finish();
    }

    @FunctionalInterface
    private interface RootReader {
        void read(JsonReader in) throws IOException;
    }

    private static void document(Path file, RootReader root) throws IOException, MalformedAnalysis {
        try (BufferedSource source = Okio.buffer(Okio.source(file)); JsonReader in = JsonReader.of(source)) {
            if (in.peek() != JsonReader.Token.BEGIN_OBJECT) {
                throw new MalformedAnalysis(file.getFileName() + " is not a JSON object");
            }
            root.read(in);
            if (in.peek() != JsonReader.Token.END_DOCUMENT) {
                throw new MalformedAnalysis(file.getFileName() + " has data after its JSON object");
            }
        } catch (EOFException e) {
            throw new MalformedAnalysis(file.getFileName() + " ends early (truncated?)", e);
        } catch (JsonEncodingException | JsonDataException e) {
            throw new MalformedAnalysis(file.getFileName() + " is not valid JSON: " + e.getMessage(), e);
        }
    }

    /** {@code dynamic.processes}: where the public clients read a report's processes. */
    private static void dynamic(JsonReader in, ProcessRows rows) throws IOException {
        eachField(in, DYNAMIC, field -> ProcessSection.read(in, rows));
    }

    /** The first entry describes the submitted file. */
    private static void malwareDesc(JsonReader in, SummaryFields summary) throws IOException {
        if (!enterArray(in)) {
            return;
        }
        if (in.hasNext()) {
            eachField(in, MALWARE_DESC, field -> {
                if (field == 0) {
                    summary.fileType = text(in);
                } else {
                    summary.magicType = text(in);
                }
            });
        }
        while (in.hasNext()) {
            in.skipValue();
        }
        in.endArray();
    }

    private static void sandcastleEnv(JsonReader in, SummaryFields summary) throws IOException {
        eachField(in, SANDCASTLE_ENV, field -> {
            switch (field) {
                case 0 -> summary.start = epochSeconds(in);
                case 1 -> summary.end = epochSeconds(in);
                case 2 -> summary.vm = text(in);
                default -> summary.runTime = integer(in);
            }
        });
    }

    private static void ioc(JsonReader in, SummaryFields summary, CorrelationSink sink) throws IOException {
        IocFields i = new IocFields();
        eachField(in, IOC, field -> {
            switch (field) {
                case 0 -> i.name = text(in);
                case 1 -> i.title = text(in);
                case 2 -> i.category = Optional.of(jsonArray(texts(in)));
                case 3 -> i.tags = Optional.of(jsonArray(texts(in)));
                case 4 -> i.severity = integer(in);
                case 5 -> i.confidence = integer(in);
                default -> i.hits = integer(in);
            }
        });
        if (i.name.isPresent() && !i.name.get().isBlank()) {
            summary.countIoc(i.severity);
            sink.ioc(new Ioc(i.name.get(), i.title, i.category, i.tags, i.severity, i.confidence, i.hits));
        }
    }

    private static String jsonArray(List<String> values) throws IOException {
        Buffer buffer = new Buffer();
        try (JsonWriter out = JsonWriter.of(buffer)) {
            out.beginArray();
            for (String value : values) {
                out.value(value);
            }
            out.endArray();
        }
        return buffer.readUtf8();
    }

    /** One IOC as far as it was read. */
    private static final class IocFields {
        private Optional<String> name = Optional.empty();
        private Optional<String> title = Optional.empty();
        private Optional<String> category = Optional.empty();
        private Optional<String> tags = Optional.empty();
        private Optional<Integer> severity = Optional.empty();
        private Optional<Integer> confidence = Optional.empty();
        private Optional<Integer> hits = Optional.empty();
    }

    /** The analysis row, filled in as its fields turn up anywhere in the document. */
    private static final class SummaryFields {
        private Optional<Integer> threatScore = Optional.empty();
        private Optional<Integer> heuristicScore = Optional.empty();
        private Optional<Integer> maxSeverity = Optional.empty();
        private Optional<String> vm = Optional.empty();
        private Optional<Instant> start = Optional.empty();
        private Optional<Instant> end = Optional.empty();
        private Optional<Integer> runTime = Optional.empty();
        private Optional<String> fileType = Optional.empty();
        private Optional<String> magicType = Optional.empty();
        private int iocCount;

        void countIoc(Optional<Integer> severity) {
            iocCount++;
            if (severity.isPresent() && (maxSeverity.isEmpty() || severity.get() > maxSeverity.get())) {
                maxSeverity = severity;
            }
        }

        Summary toSummary() {
            Optional<Integer> duration = runTime.or(() -> start.isPresent() && end.isPresent()
                    ? Optional.of((int) Duration.between(start.get(), end.get()).toSeconds()) : Optional.empty());
            return new Summary(threatScore, heuristicScore, maxSeverity, vm, start, end, duration, fileType,
                    magicType, iocCount);
        }
    }
}
