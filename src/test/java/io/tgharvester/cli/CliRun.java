package io.tgharvester.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import com.squareup.moshi.Moshi;
import com.squareup.moshi.Types;
import io.tgharvester.Leaks;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.slf4j.LoggerFactory;

/** Runs command lines in-process and captures everything they print and log (at DEBUG, through logback.xml). */
final class CliRun {
    private CliRun() {
    }

    /** Output of one command line, with everything logged while it ran. */
    record Result(int exitCode, String out, String err, String logs) {
        String everything() {
            return out + err + logs;
        }
    }

    static Result run(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        PrintStream realErr = System.err;
        ByteArrayOutputStream logs = new ByteArrayOutputStream();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Level level = root.getLevel();
        System.setErr(new PrintStream(logs, true, StandardCharsets.UTF_8));
        root.setLevel(Level.DEBUG);
        try {
            int code = Main.run(env, new PrintWriter(out, true), new PrintWriter(err, true), args);
            return new Result(code, out.toString(), err.toString(), logs.toString(StandardCharsets.UTF_8));
        } finally {
            root.setLevel(level);
            System.setErr(realErr);
        }
    }

    /** The rows of a command's {@code --format json} output. */
    static List<Map<String, Object>> jsonRows(String json) throws IOException {
        return new Moshi.Builder().build().<List<Map<String, Object>>>adapter(
                Types.newParameterizedType(List.class, Map.class)).fromJson(json);
    }

    /** One column of {@link #jsonRows} rows. */
    static List<Object> column(List<Map<String, Object>> rows, String name) {
        return rows.stream().map(row -> row.get(name)).toList();
    }

    /** Whether any file under {@code dir} holds {@code needle} as bytes (the H2 file included). */
    static boolean anyFileContains(Path dir, String needle) throws IOException {
        return !Leaks.filesContaining(needle, dir, List.of()).isEmpty();
    }
}
