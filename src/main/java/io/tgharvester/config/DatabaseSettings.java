package io.tgharvester.config;

import java.time.Duration;
import java.util.Optional;

/**
 * Where the harvest is kept (harvester.db.*) and how this process works beside others (harvester.cluster.*): without
 * {@code url}, the embedded H2 database in the data dir, which one process holds; with a {@code jdbc:postgresql:} URL,
 * a PostgreSQL database that several harvester nodes share, each known by {@code nodeId}, and each holding the
 * artifacts it downloads for {@code claimLease} at most without renewing its claim. Its {@link #toString()} hides the
 * password.
 */
public record DatabaseSettings(Optional<String> url, String user, String password, int poolSize, String nodeId,
                               Duration claimLease) {
    public static final String POSTGRESQL = "jdbc:postgresql:";

    public DatabaseSettings {
        if (url.isPresent() && !url.get().startsWith(POSTGRESQL)) {
            throw new ConfigException("harvester.db.url: only PostgreSQL is supported besides the embedded H2 database"
                    + " (jdbc:postgresql://host:5432/database), not " + Redaction.configValue("harvester.db.url",
                    url.get()));
        }
        if (!nodeId.matches("[A-Za-z0-9_.:-]{1,80}")) {
            throw new ConfigException("harvester.cluster.node-id: '" + nodeId + "' must be 1-80 of A-Z, a-z, 0-9, '.',"
                    + " ':', '-', '_'");
        }
        if (claimLease.compareTo(Duration.ofSeconds(3)) < 0) {
            throw new ConfigException("harvester.cluster.claim-lease: " + Durations.format(claimLease) + " is too short"
                    + " to be renewed in time; use 3s or more (default 2m)");
        }
    }

    /** The embedded H2 database of the data dir, with the shipped pool size and lease; what tests mostly use. */
    public static DatabaseSettings embedded() {
        return new DatabaseSettings(Optional.empty(), "", "", 10, "local", Duration.ofMinutes(2));
    }

    /** Whether several nodes may share this database: only a server's can be. */
    public boolean shared() {
        return url.isPresent();
    }

    @Override
    public String toString() {
        return "DatabaseSettings[url=" + url.map(u -> Redaction.configValue("harvester.db.url", u)).orElse("H2")
                + ", user=" + user + ", password=" + (password.isEmpty() ? "" : "***") + ", poolSize=" + poolSize
                + ", nodeId=" + nodeId + ", claimLease=" + Durations.format(claimLease) + "]";
    }
}
