package io.tgharvester.config;

/** The configuration layers, weakest first: each later one overrides the ones before it. */
public enum ConfigSource {
    /** conf/harvester.properties as shipped. */
    DEFAULT,
    /** An installation's edited conf/harvester.properties, or the --config file. */
    FILE,
    /** An environment variable. */
    ENV,
    /** A {@code --set key=value} flag. */
    FLAG
}
