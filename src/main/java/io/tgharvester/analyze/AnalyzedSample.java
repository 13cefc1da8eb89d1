package io.tgharvester.analyze;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * One completed sample handed to an analyzer.
 *
 * @param sample    its row in {@code samples}
 * @param scores    its analysis scores; empty when its analysis.json is absent or could not be parsed
 * @param artifacts each downloaded artifact by name ({@code analysis.json}, {@code network.pcap}, ...): the absolute
 *                  path of its complete file; an artifact Threat Grid does not have, or that could not be downloaded
 *                  yet, is missing
 * @param attempt   1 on the first call for this sample, higher when an earlier call failed or was cut short
 */
public record AnalyzedSample(SampleRow sample, Optional<AnalysisScores> scores, Map<String, Path> artifacts,
                             int attempt) {

    public AnalyzedSample {
        artifacts = Map.copyOf(artifacts);
    }
}
