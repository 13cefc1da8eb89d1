package io.tgharvester.store;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Properties;

/**
 * The database users' passwords, random per data dir and kept in an owner-only file in it. H2's auto-server (which
 * lets {@code status} and {@code sql} read beside the daemon) listens on loopback, where any local account could
 * connect; with these, only the data dir's owner can.
 */
record DatabaseSecrets(String admin, String reader) {
    static final String FILE = ".db-secrets";

    /** The data dir's secrets, made on first use (two processes racing agree on the first file written). */
    static DatabaseSecrets loadOrCreate(Path dataDir) {
        Optional<DatabaseSecrets> existing = load(dataDir);
        if (existing.isPresent()) {
            return existing.get();
        }
        DatabaseSecrets made = new DatabaseSecrets(random(), random());
        Path file = dataDir.resolve(FILE);
        try {
            Path temp = Files.createTempFile(dataDir, FILE, ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (Writer out = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
                Properties props = new Properties();
                props.setProperty("admin", made.admin);
                props.setProperty("reader", made.reader);
                props.store(out, "tg-harvester database passwords: keep this file private");
            }
            try {
                Files.move(temp, file);
                return made;
            } catch (FileAlreadyExistsException raced) {
                Files.delete(temp);
                return load(dataDir).orElseThrow();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file.toAbsolutePath(), e);
        }
    }

    /** The secrets, or empty for a data dir written before they existed. */
    static Optional<DatabaseSecrets> load(Path dataDir) {
        Path file = dataDir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            Properties props = new Properties();
            props.load(in);
            String admin = props.getProperty("admin");
            String reader = props.getProperty("reader");
            if (admin == null || reader == null) {
                throw new StoreException(file.toAbsolutePath() + " is damaged: it needs both passwords");
            }
            return Optional.of(new DatabaseSecrets(admin, reader));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file.toAbsolutePath(), e);
        }
    }

    private static String random() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    @Override
    public String toString() {
        return "DatabaseSecrets[***]";
    }
}
