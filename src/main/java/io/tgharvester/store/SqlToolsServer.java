package io.tgharvester.store;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.h2.tools.Server;
import org.h2.util.StringUtils;

/**
 * Serves a harvest database to SQL tools (psql and other PostgreSQL clients, DBeaver, JDBC) on loopback, read-only.
 *
 * <p>Clients never reach the harvest database itself. They connect to an in-memory database of this process whose
 * tables are READONLY links to the harvest's tables, made as the SELECT-only user; clients log in as a non-admin
 * user of the in-memory database that may only SELECT. H2's PostgreSQL server needs PostgreSQL mode and its null
 * ordering set for every session, which only an admin may change, so the in-memory database is created with them
 * already. Both servers map every database name to that one database ({@code -key}) and create none
 * ({@code -ifExists}), so no other database on the machine can be opened through them.
 */
public final class SqlToolsServer implements AutoCloseable {
    public static final String DATABASE = "harvester";
    public static final String USER = "reader";
    public static final String PASSWORD = "reader";

    private final Connection proxy;
    private final List<String> tables;
    private final List<Server> servers;
    private final int pgPort;
    private final int tcpPort;

    private SqlToolsServer(Connection proxy, List<String> tables, Server pg, Server tcp) {
        this.proxy = proxy;
        this.tables = List.copyOf(tables);
        this.servers = List.of(pg, tcp);
        this.pgPort = pg.getPort();
        this.tcpPort = tcp.getPort();
    }

    /** Starts both servers; a port of 0 takes any free one. Loopback only (the launcher binds H2 to 127.0.0.1). */
    public static SqlToolsServer start(Path dataDir, int pgPort, int tcpPort) {
        if (!Database.exists(dataDir)) {
            throw new StoreException("no harvester database in " + dataDir.toAbsolutePath()
                    + ": run `tg-harvester run --once` (or the demo) first, or point harvester.data-dir at it");
        }
        byte[] secret = new byte[24];
        new SecureRandom().nextBytes(secret);
        String memoryDb = "mem:" + DATABASE + "-" + HexFormat.of().formatHex(secret, 0, 6);
        Connection proxy = null;
        try {
            // The admin's password is never shown: nobody but this process needs it.
            proxy = DriverManager.getConnection("jdbc:h2:" + memoryDb
                    + ";MODE=PostgreSQL;DEFAULT_NULL_ORDERING=HIGH", "owner",
                    HexFormat.of().formatHex(secret));
            List<String> tables = link(proxy, Database.readerUrl(dataDir), Database.readerPassword(dataDir));
            try (Statement st = proxy.createStatement()) {
                st.execute("CREATE USER " + USER + " PASSWORD " + StringUtils.quoteStringSQL(PASSWORD));
                st.execute("GRANT SELECT ON SCHEMA PUBLIC TO " + USER);
            }
            Server pg = Server.createPgServer("-pgPort", String.valueOf(pgPort), "-ifExists",
                    "-key", DATABASE, memoryDb).start();
            try {
                Server tcp = Server.createTcpServer("-tcpPort", String.valueOf(tcpPort), "-ifExists",
                        "-key", DATABASE, memoryDb).start();
                return new SqlToolsServer(proxy, tables, pg, tcp);
            } catch (SQLException e) {
                pg.stop();
                throw e;
            }
        } catch (SQLException e) {
            closeQuietly(proxy);
            throw new StoreException("cannot start the SQL tools server", e);
        }
    }

    /** Links every table and view of the harvest (Flyway's bookkeeping aside), read-only, as the reader user. */
    private static List<String> link(Connection proxy, String readerUrl, String readerPassword) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (Connection harvest = DriverManager.getConnection(readerUrl, Database.READER, readerPassword);
             PreparedStatement st = harvest.prepareStatement("""
                     SELECT table_name FROM information_schema.tables
                     WHERE table_schema = 'PUBLIC' AND table_name <> 'flyway_schema_history'
                     ORDER BY table_name""");
             ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        }
        try (Statement st = proxy.createStatement()) {
            for (String table : tables) {
                st.execute("CREATE LINKED TABLE %s('org.h2.Driver', %s, %s, %s, 'PUBLIC', %s) READONLY".formatted(
                        StringUtils.quoteIdentifier(table), StringUtils.quoteStringSQL(readerUrl),
                        StringUtils.quoteStringSQL(Database.READER), StringUtils.quoteStringSQL(readerPassword),
                        StringUtils.quoteStringSQL(table)));
            }
        }
        return tables;
    }

    public int pgPort() {
        return pgPort;
    }

    public int tcpPort() {
        return tcpPort;
    }

    /** The harvest's tables and views the clients see, upper case as H2 stores them. */
    public List<String> tables() {
        return tables;
    }

    @Override
    public void close() {
        servers.forEach(Server::stop);
        closeQuietly(proxy);
    }

    private static void closeQuietly(Connection conn) {
        if (conn != null) {
            try {
                conn.close();
            } catch (SQLException ignored) {
                // closing an in-memory database on the way out cannot lose anything
            }
        }
    }
}
