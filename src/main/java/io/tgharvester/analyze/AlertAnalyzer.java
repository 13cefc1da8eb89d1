package io.tgharvester.analyze;

import io.tgharvester.config.HarvesterConfig.AlertRule;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in alert rule ({@code harvester.alert.*}): a sample whose threat score reaches the minimum gets one line
 * in {@code <data-dir>/alerts.jsonl} and, with a webhook configured, that line POSTed to it. A retry after a failed
 * POST or a stop sends the line already written, never a second one; the webhook may see an alert again when the
 * harvester stopped between its answer and the result being stored (its {@code sample_id} identifies it).
 */
public final class AlertAnalyzer implements SampleAnalyzer {
    private static final Logger log = LoggerFactory.getLogger(AlertAnalyzer.class);
    public static final String NAME = "alert";
    public static final String FILE_NAME = "alerts.jsonl";

    private final int minThreatScore;
    private final AlertFile file;
    private final Optional<Webhook> webhook;
    private final Clock clock;

    public AlertAnalyzer(AlertRule rule, Path dataDir, Clock clock) {
        this.minThreatScore = rule.minThreatScore();
        this.file = new AlertFile(dataDir.resolve(FILE_NAME));
        this.webhook = rule.webhookUrl().map(url -> new Webhook(url, rule.webhookTimeout()));
        this.clock = clock;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public AnalyzerResult analyze(AnalyzedSample sample) throws IOException {
        Optional<Integer> score = sample.scores().flatMap(AnalysisScores::threatScore);
        if (score.isEmpty() || score.get() < minThreatScore) {
            return AnalyzerResult.none();
        }
        String id = sample.sample().id();
        String line = file.appendOnce(id, AlertLine.of(sample, score.get(), minThreatScore,
                        clock.instant().truncatedTo(ChronoUnit.SECONDS)),
                sample.attempt() > 1);
        Map<String, String> row = new LinkedHashMap<>();
        row.put("threat_score", score.get().toString());
        row.put("min_threat_score", Integer.toString(minThreatScore));
        if (webhook.isPresent()) {
            webhook.get().post(line);
            row.put("webhook", webhook.get().origin());
        }
        log.info("event=alert sample={} threat_score={} file={}{}", id, score.get(), file.path(),
                webhook.map(w -> " webhook=" + w.origin()).orElse(""));
        return AnalyzerResult.tagged("alert").withRow(row);
    }

    @Override
    public void close() {
        webhook.ifPresent(Webhook::close);
    }
}
