package io.tgharvester.store;

import io.tgharvester.analyze.AnalysisScores;
import io.tgharvester.analyze.SampleRow;
import java.util.Map;
import java.util.Optional;

/**
 * A sample due for an analyzer: its row, its scores when its analysis was parsed, its downloaded artifacts' paths
 * (relative to the data dir) by name, and the calls the analyzer has already had for it.
 */
public record AnalyzerTask(SampleRow sample, Optional<AnalysisScores> scores, Map<String, String> artifactPaths,
                           int attempts) {
    public AnalyzerTask {
        artifactPaths = Map.copyOf(artifactPaths);
    }
}
