package io.tgharvester.analyze;

import java.util.Optional;

/**
 * The scores of a parsed analysis.json (the {@code analysis} table): Threat Grid's threat and heuristic scores
 * (0-100) and the highest severity among the sample's IOCs.
 */
public record AnalysisScores(Optional<Integer> threatScore, Optional<Integer> heuristicScore,
                             Optional<Integer> maxSeverity) {
}
