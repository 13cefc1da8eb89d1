package io.tgharvester.correlate;

import static io.tgharvester.correlate.LenientValues.enterArray;
import static io.tgharvester.correlate.LenientValues.enterObject;
import static io.tgharvester.correlate.LenientValues.epochSeconds;
import static io.tgharvester.correlate.LenientValues.integer;
import static io.tgharvester.correlate.LenientValues.lowerText;
import static io.tgharvester.correlate.LenientValues.text;
import static io.tgharvester.correlate.LenientValues.texts;
import static io.tgharvester.correlate.LenientValues.whole;

import com.squareup.moshi.JsonDataException;
import com.squareup.moshi.JsonEncodingException;
import com.squareup.moshi.JsonReader;
import com.squareup.moshi.JsonWriter;
import io.tgharvester.correlate.CorrelationRows.ArtifactHash;
import io.tgharvester.correlate.CorrelationRows.Domain;
import io.tgharvester.correlate.CorrelationRows.Ioc;
import io.tgharvester.correlate.CorrelationRows.Summary;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import okio.Buffer;
import okio.BufferedSource;
import okio.Okio;

/**
 * Streams a sample's analysis.json (and processes.json) into a {@link CorrelationSink}, one row at a time, never
 * holding the document: a report of hundreds of megabytes parses in a small heap. Sections may be missing, unknown keys
 * are skipped, and values of an unexpected type become absent values instead of failures.
 */
public final class AnalysisParser {
    /** Raised whenever the parser starts reading something it did not before, so stored analyses get reparsed. */
    public static final int VERSION = 1;

    /**
     * Parses {@code analysis}; processes come from {@code processes} when given (processes.json is the full list),
     * otherwise from analysis.json's own {@code processes} or {@code dynamic.processes}.
     *
     * @throws MalformedAnalysis the file is not a JSON object or is cut short
     * @throws IOException the file cannot be read
     */
    public void parse(Path analysis, Optional<Path> processes, CorrelationSink sink)
            throws IOException, MalformedAnalysis {
        Summary summary = document(analysis, in -> analysisRoot(in, processes.isEmpty(), sink));
        sink.summary(summary);
        if (processes.isPresent()) {
            document(processes.get(), in -> processesRoot(in, sink));
        }
    }

    @FunctionalInterface
    private interface RootReader<T> {
        T read(JsonReader in) throws IOException;
    }

    private static <T> T document(Path file, RootReader<T> root) throws IOException, MalformedAnalysis {
        try (BufferedSource source = Okio.buffer(Okio.source(file)); JsonReader in = JsonReader.of(source)) {
            if (in.peek() != JsonReader.Token.BEGIN_OBJECT) {
                throw new MalformedAnalysis(file.getFileName() + " is not a JSON object");
            }
            in.beginObject();
            T result = root.read(in);
            in.endObject();
            if (in.peek() != JsonReader.Token.END_DOCUMENT) {
                throw new MalformedAnalysis(file.getFileName() + " has data after its JSON object");
            }
            return result;
        } catch (EOFException e) {
            throw new MalformedAnalysis(file.getFileName() + " ends early (truncated?)", e);
        } catch (JsonEncodingException | JsonDataException e) {
            throw new MalformedAnalysis(file.getFileName() + " is not valid JSON: " + e.getMessage(), e);
        }
    }

    private static Summary analysisRoot(JsonReader in, boolean withProcesses, CorrelationSink sink)
            throws IOException {
        SummaryFields summary = new SummaryFields();
        while (in.hasNext()) {
            switch (in.nextName()) {
                case "metadata" -> metadata(in, summary);
                case "threat" -> threat(in, summary);
                case "iocs" -> iocs(in, summary, sink);
                case "network" -> NetworkSection.read(in, sink);
                case "domains" -> domains(in, sink);
                case "artifacts" -> artifacts(in, sink);
                case "processes" -> processesOrSkip(in, withProcesses, sink);
                case "dynamic" -> dynamic(in, withProcesses, sink);
                default -> in.skipValue();
            }
        }
        return summary.toSummary();
    }

    private static Void processesRoot(JsonReader in, CorrelationSink sink) throws IOException {
        while (in.hasNext()) {
            switch (in.nextName()) {
                case "processes" -> ProcessSection.read(in, sink);
                case "dynamic" -> dynamic(in, true, sink);
                default -> in.skipValue();
            }
        }
        return null;
    }

    private static void processesOrSkip(JsonReader in, boolean read, CorrelationSink sink) throws IOException {
        if (read) {
            ProcessSection.read(in, sink);
        } else {
            in.skipValue();
        }
    }

    private static void dynamic(JsonReader in, boolean withProcesses, CorrelationSink sink) throws IOException {
        if (!enterObject(in)) {
            return;
        }
        while (in.hasNext()) {
            if (in.nextName().equals("processes")) {
                processesOrSkip(in, withProcesses, sink);
            } else {
                in.skipValue();
            }
        }
        in.endObject();
    }

    private static void metadata(JsonReader in, SummaryFields summary) throws IOException {
        if (!enterObject(in)) {
            return;
        }
        while (in.hasNext()) {
            switch (in.nextName()) {
                case "malware_desc" -> malwareDesc(in, summary);
                case "sandcastle_env" -> sandcastleEnv(in, summary);
                default -> in.skipValue();
            }
        }
        in.endObject();
    }

    /** The first entry describes the submitted file. */
    private static void malwareDesc(JsonReader in, SummaryFields summary) throws IOException {
        if (!enterArray(in)) {
            return;
        }
        boolean first = true;
        while (in.hasNext()) {
            if (first && enterObject(in)) {
                while (in.hasNext()) {
                    switch (in.nextName()) {
                        case "type" -> summary.fileType = text(in);
                        case "magic" -> summary.magicType = text(in);
                        default -> in.skipValue();
                    }
                }
                in.endObject();
            } else if (!first) {
                in.skipValue();
            }
            first = false;
        }
        in.endArray();
    }

    private static void sandcastleEnv(JsonReader in, SummaryFields summary) throws IOException {
        if (!enterObject(in)) {
            return;
        }
        while (in.hasNext()) {
            switch (in.nextName()) {
                case "analysis_start" -> summary.start = epochSeconds(in);
                case "analysis_end" -> summary.end = epochSeconds(in);
                case "vm" -> summary.vm = text(in);
                case "run_time" -> summary.runTime = integer(in);
                default -> in.skipValue();
            }
        }
        in.endObject();
    }

    private static void threat(JsonReader in, SummaryFields summary) throws IOException {
        if (!enterObject(in)) {
            return;
        }
        while (in.hasNext()) {
            switch (in.nextName()) {
                case "threat_score" -> summary.threatScore = integer(in);
                case "heuristic_score" -> summary.heuristicScore = integer(in);
                default -> in.skipValue();
            }
        }
        in.endObject();
    }

    private static void iocs(JsonReader in, SummaryFields summary, CorrelationSink sink) throws IOException {
        if (!enterArray(in)) {
            return;
        }
        while (in.hasNext()) {
            if (!enterObject(in)) {
                continue;
            }
            Optional<String> name = Optional.empty();
            Optional<String> title = Optional.empty();
            Optional<String> category = Optional.empty();
            Optional<String> tags = Optional.empty();
            Optional<Integer> severity = Optional.empty();
            Optional<Integer> confidence = Optional.empty();
            Optional<Integer> hits = Optional.empty();
            while (in.hasNext()) {
                switch (in.nextName()) {
                    case "ioc" -> name = text(in);
                    case "title" -> title = text(in);
                    case "category" -> category = Optional.of(jsonArray(texts(in)));
                    case "tags" -> tags = Optional.of(jsonArray(texts(in)));
                    case "severity" -> severity = integer(in);
                    case "confidence" -> confidence = integer(in);
                    case "hits" -> hits = integer(in);
                    default -> in.skipValue();
                }
            }
            in.endObject();
            if (name.isPresent() && !name.get().isBlank()) {
                summary.countIoc(severity);
                sink.ioc(new Ioc(name.get(), title, category, tags, severity, confidence, hits));
            }
        }
        in.endArray();
    }

    /** Keyed by domain name; the addresses it resolved to are under {@code ips} (or {@code answers}). */
    private static void domains(JsonReader in, CorrelationSink sink) throws IOException {
        if (!enterObject(in)) {
            return;
        }
        while (in.hasNext()) {
            String domain = in.nextName().strip().toLowerCase(Locale.ROOT);
            while (domain.endsWith(".")) {
                domain = domain.substring(0, domain.length() - 1);
            }
            Optional<String> ips = Optional.empty();
            if (enterObject(in)) {
                while (in.hasNext()) {
                    switch (in.nextName()) {
                        case "ips", "answers" -> ips = Optional.of(String.join(",", texts(in)))
                                .filter(s -> !s.isEmpty());
                        default -> in.skipValue();
                    }
                }
                in.endObject();
            }
            if (!domain.isEmpty()) {
                sink.domain(new Domain(domain, ips));
            }
        }
        in.endObject();
    }

    private static void artifacts(JsonReader in, CorrelationSink sink) throws IOException {
        if (!enterObject(in)) {
            return;
        }
        while (in.hasNext()) {
            in.nextName();
            if (!enterObject(in)) {
                continue;
            }
            Optional<String> path = Optional.empty();
            Optional<String> sha256 = Optional.empty();
            Optional<String> md5 = Optional.empty();
            Optional<String> sha1 = Optional.empty();
            Optional<Long> size = Optional.empty();
            Optional<String> magic = Optional.empty();
            Optional<String> relation = Optional.empty();
            Optional<String> origin = Optional.empty();
            while (in.hasNext()) {
                switch (in.nextName()) {
                    case "path" -> path = text(in);
                    case "sha256" -> sha256 = lowerText(in);
                    case "md5" -> md5 = lowerText(in);
                    case "sha1" -> sha1 = lowerText(in);
                    case "size" -> size = whole(in);
                    case "magic-type", "magic_type" -> magic = text(in);
                    case "relation" -> relation = text(in);
                    case "origin" -> origin = text(in);
                    default -> in.skipValue();
                }
            }
            in.endObject();
            sink.artifactHash(new ArtifactHash(path, sha256, md5, sha1, size, magic, relation, origin));
        }
        in.endObject();
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
