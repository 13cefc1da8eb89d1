package io.tgharvester.analyze;

import java.nio.file.Path;
import java.time.Clock;

/**
 * What an analyzer is given when it opens.
 *
 * @param dataDir    the harvester's data dir (database, {@code artifacts/}); an analyzer may keep its own files here
 * @param pluginsDir where plugin jars are found; a plugin's own settings can live beside its jar
 * @param clock      the harvester's clock
 */
public record AnalyzerContext(Path dataDir, Path pluginsDir, Clock clock) {
}
