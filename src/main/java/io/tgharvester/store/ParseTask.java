package io.tgharvester.store;

import java.util.Optional;

/** A sample to parse: its analysis.json and, when downloaded, its processes.json (paths relative to the data dir). */
public record ParseTask(String sampleId, String analysisPath, Optional<String> processesPath) {
}
