package io.tgharvester.cli;

import io.tgharvester.config.ConfiguredValue;
import io.tgharvester.config.HarvesterConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import picocli.CommandLine.Option;

/** The configuration flags every command shares. */
final class ConfigOptions {
    @Option(names = "--config", paramLabel = "FILE",
            description = "Properties file read after conf/harvester.properties (before the environment).")
    Path configFile;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Override one configuration key, e.g. --set harvester.data-dir=/var/lib/tg (repeatable).")
    Map<String, String> overrides = new LinkedHashMap<>();

    HarvesterConfig load(Main main) {
        return load(main, Map.of());
    }

    /** Loads with {@code defaults} under the user's own --set values (the demo's seconds-scale intervals). */
    HarvesterConfig load(Main main, Map<String, String> defaults) {
        Map<String, String> merged = new LinkedHashMap<>(defaults);
        merged.putAll(overrides);
        return main.configLoader().load(Optional.ofNullable(configFile), merged);
    }

    /** Each key's value after the same layers as {@link #load(Main)}, with the layer that set it. */
    SortedMap<String, ConfiguredValue> effective(Main main) {
        return main.configLoader().effective(Optional.ofNullable(configFile), overrides);
    }
}
