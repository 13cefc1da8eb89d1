package io.tgharvester.correlate;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Writes an analysis.json of about a given size with Threat Grid's structure, for memory and speed benchmarks of the
 * parser (not part of the default suite). Most of the bulk is network sessions, processes with registry activity,
 * dropped artifacts and domains, as in a real noisy report.
 *
 * <p>Usage: {@code java -cp target/test-classes:target/classes:<deps> io.tgharvester.correlate.BigAnalysis OUT MB}
 */
public final class BigAnalysis {
    private BigAnalysis() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: BigAnalysis <out-file> <megabytes>");
            System.exit(2);
        }
        write(Path.of(args[0]), Long.parseLong(args[1]) * 1024 * 1024);
    }

    /** Writes the file; each section gets a quarter of {@code bytes}. Returns the number of records per section. */
    public static long write(Path out, long bytes) throws IOException {
        long perSection = bytes / 4;
        try (Writer w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            w.write("{\"metadata\": {\"malware_desc\": [{\"filename\": \"big.exe\", \"magic\": \"PE32\", \"type\": "
                    + "\"exe\"}], \"sandcastle_env\": {\"analysis_start\": 1700000000, \"analysis_end\": 1700000300, "
                    + "\"vm\": \"win10\", \"run_time\": 300}},\n\"threat\": {\"threat_score\": 90, "
                    + "\"heuristic_score\": 80},\n\"iocs\": [{\"ioc\": \"big-report\", \"severity\": 50}],\n");
            long records = 0;
            w.write("\"network\": {");
            long written = 0;
            for (long i = 0; written < perSection; i++) {
                String s = String.format(Locale.ROOT, "%s\"%d\": {\"src\": \"10.0.2.15\", \"src_port\": %d, "
                        + "\"dst\": \"198.51.%d.%d\", \"dst_port\": 80, \"transport\": \"TCP\", \"service\": \"http\", "
                        + "\"protocol\": \"HTTP\", \"bytes_orig\": %d, \"bytes_resp\": %d, \"ts_begin\": %d, "
                        + "\"ts_end\": %d, \"decoded\": [{\"type\": \"request\", \"method\": \"GET\", "
                        + "\"url\": \"http://h%d.example.com:80/p/%d\", \"host\": \"h%d.example.com\", \"port\": 80, "
                        + "\"request_path\": \"/p/%d\", \"headers\": {\"host\": \"h%d.example.com\"}}, "
                        + "{\"type\": \"response\", \"status_code\": 200, \"status\": \"OK\"}]}",
                        i == 0 ? "" : ",\n", i, 1024 + i % 60000, i / 256 % 256, i % 256, i * 3, i * 7,
                        1700000000 + i % 300, 1700000001 + i % 300, i % 1000, i, i % 1000, i, i % 1000);
                w.write(s);
                written += s.length();
                records = i + 1;
            }
            w.write("},\n\"domains\": {");
            written = 0;
            for (long i = 0; written < perSection; i++) {
                String s = String.format(Locale.ROOT, "%s\"d%d.example.com\": {\"status\": \"innocuous\", "
                        + "\"content_categories\": [], \"security_categories\": [\"Malware %d.%d\"]}",
                        i == 0 ? "" : ",\n", i, i / 256 % 256, i % 256);
                w.write(s);
                written += s.length();
            }
            w.write("},\n\"artifacts\": {");
            written = 0;
            for (long i = 0; written < perSection; i++) {
                String s = String.format(Locale.ROOT, "%s\"%d\": {\"path\": \"C:\\\\Temp\\\\f%d.tmp\", "
                        + "\"sha256\": \"%064x\", \"md5\": \"%032x\", \"size\": %d, \"magic-type\": \"data\", "
                        + "\"origin\": \"disk\", \"relation\": {\"contains\": null, \"extracted_from\": null, "
                        + "\"network\": null, \"process\": null}}", i == 0 ? "" : ",\n", i + 1, i, i, i, i);
                w.write(s);
                written += s.length();
            }
            w.write("},\n\"dynamic\": {\"processes\": {");
            written = 0;
            for (long i = 0; written < perSection; i++) {
                String s = String.format(Locale.ROOT, "%s\"%d\": {\"pid\": %d, \"ppid\": 4, \"process_name\": "
                        + "\"p%d.exe\", \"startup_info\": {\"command_line\": \"p%d.exe /run\", \"image_pathname\": "
                        + "\"C:\\\\p%d.exe\"}, \"time\": 1700000010, \"registry_keys_created\": "
                        + "[\"HKCU\\\\Software\\\\k%d\"]}", i == 0 ? "" : ",\n", i + 1, 1000 + i, i, i, i, i);
                w.write(s);
                written += s.length();
            }
            w.write("}},\n\"version\": 3}\n");
            return records;
        }
    }
}
