package io.tgharvester.analyze;

import com.squareup.moshi.JsonWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Optional;
import okio.Buffer;

/**
 * The JSON of one alert, as one line of alerts.jsonl and the webhook's body. {@code sample_id} comes first, so a line
 * of a sample is found by its start; members without a value are left out.
 */
final class AlertLine {
    private AlertLine() {
    }

    /** How every line of {@code sampleId} starts. */
    static String start(String sampleId) {
        return "{\"sample_id\":\"" + sampleId + "\"";
    }

    static String of(AnalyzedSample analyzed, int threatScore, int minThreatScore, Instant alertedAt) {
        SampleRow s = analyzed.sample();
        Buffer buffer = new Buffer();
        try (JsonWriter json = JsonWriter.of(buffer)) {
            json.beginObject();
            json.name("sample_id").value(s.id());
            json.name("threat_score").value(threatScore);
            json.name("min_threat_score").value(minThreatScore);
            optional(json, "heuristic_score", analyzed.scores().flatMap(AnalysisScores::heuristicScore));
            optional(json, "max_severity", analyzed.scores().flatMap(AnalysisScores::maxSeverity));
            json.name("connection").value(s.connection());
            text(json, "login", s.login());
            text(json, "filename", s.filename());
            text(json, "sha256", s.sha256());
            text(json, "submitted_at", s.submittedAt().map(Instant::toString));
            text(json, "finished_at", s.finishedAt().map(Instant::toString));
            json.name("tags").beginArray();
            for (String tag : s.tags()) {
                json.value(tag);
            }
            json.endArray();
            json.name("alerted_at").value(alertedAt.toString());
            json.endObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write JSON to memory", e);
        }
        return buffer.readUtf8();
    }

    private static void text(JsonWriter json, String name, Optional<String> value) throws IOException {
        if (value.isPresent()) {
            json.name(name).value(value.get());
        }
    }

    private static void optional(JsonWriter json, String name, Optional<Integer> value) throws IOException {
        if (value.isPresent()) {
            json.name(name).value(value.get());
        }
    }
}
