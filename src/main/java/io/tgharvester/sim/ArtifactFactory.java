package io.tgharvester.sim;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.Moshi;
import io.tgharvester.sim.SimulatedAnalysis.DroppedFile;
import io.tgharvester.sim.SimulatedAnalysis.Ioc;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The four artifacts of a succeeded sample, shaped like Threat Grid's: analysis.json and processes.json with their
 * real top-level structure, a valid libpcap capture and a valid WebM file. Bytes are made once and cached, so every
 * download of an artifact gets identical bytes.
 */
final class ArtifactFactory {
    static final List<String> NAMES = List.of("analysis.json", "processes.json", "network.pcap", "video.webm");

    private final JsonAdapter<Object> json = new Moshi.Builder().build().adapter(Object.class).serializeNulls()
            .indent("  ");
    private final Map<String, byte[]> cache = new ConcurrentHashMap<>();

    /** The bytes served for {@code name}, or empty when this sample's analysis has no such artifact. */
    Optional<byte[]> bytes(SimulatedSample sample, String name) {
        if (!sample.finalState().equals("succ") || !sample.serves(name)) {
            return Optional.empty();
        }
        return Optional.of(cache.computeIfAbsent(sample.id() + "/" + name, key -> make(sample, name)));
    }

    private byte[] make(SimulatedSample sample, String name) {
        return switch (name) {
            case "analysis.json" -> json.toJson(analysis(sample)).getBytes(StandardCharsets.UTF_8);
            case "processes.json" -> json.toJson(Map.of("processes", processes(sample)))
                    .getBytes(StandardCharsets.UTF_8);
            case "network.pcap" -> PcapWriter.capture(sample);
            case "video.webm" -> WebmWriter.video(sample);
            default -> throw new IllegalArgumentException("no artifact " + name);
        };
    }

    private Map<String, Object> analysis(SimulatedSample s) {
        SimulatedAnalysis a = s.analysis();
        long start = s.runAt().getEpochSecond();
        long end = s.procAt().getEpochSecond();
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("metadata", Map.of(
                "malware_desc", List.of(object("filename", s.filename(), "magic", magicOf(s.filename()),
                        "md5", s.md5(), "sha1", s.sha1(), "sha256", s.sha256(), "size", 48_128 + s.filename().length(),
                        "type", typeOf(s.filename()))),
                "sandcastle_env", object("analysis_start", start, "analysis_end", end, "vm", s.vm(),
                        "run_time", end - start, "sample_executed", start + 2, "display_name", s.vm()),
                "general_details", object("report_created", s.completedAt().getEpochSecond(),
                        "sandbox_id", "sim-1", "sandbox_version", "pilot-simulated")));
        root.put("status", object("ok", true));
        root.put("threat", object("threat_score", a.threatScore(), "heuristic_score", a.threatScore() * 9 / 10,
                "bucket", a.threatScore() >= 90 ? "high" : a.threatScore() >= 60 ? "medium" : "low"));
        List<Object> iocs = new ArrayList<>();
        for (Ioc ioc : a.iocs()) {
            iocs.add(object("ioc", ioc.name(), "title", ioc.title(), "description", ioc.title() + " during analysis.",
                    "category", List.of(ioc.category()), "tags", List.of(ioc.category(), "simulated"),
                    "severity", ioc.severity(), "confidence", ioc.confidence(), "hits", 1 + ioc.name().length() % 3,
                    "data", List.of(object("Network_Stream", 0))));
        }
        root.put("iocs", iocs);
        Map<String, Object> network = new LinkedHashMap<>();
        Map<String, Object> domains = new LinkedHashMap<>();
        for (int i = 0; i < a.domains().size(); i++) {
            String ip = a.ips().get(i);
            network.put(String.valueOf(2 * i), object("src", PcapWriter.SANDBOX_IP, "src_port", 49_152 + i,
                    "dst", PcapWriter.DNS_IP, "dst_port", 53, "transport", "UDP", "service", "dns",
                    "bytes_orig", 40 + a.domains().get(i).length(), "bytes_resp", 56 + a.domains().get(i).length(),
                    "ts_begin", start + i, "ts_end", start + i));
            network.put(String.valueOf(2 * i + 1), object("src", PcapWriter.SANDBOX_IP, "src_port", 50_000 + i,
                    "dst", ip, "dst_port", 80, "transport", "TCP", "service", "http", "bytes_orig", 310,
                    "bytes_resp", 4_096 + 512 * i, "ts_begin", start + i + 1, "ts_end", start + i + 3));
            domains.put(a.domains().get(i), object("status", "resolved", "ips", List.of(ip),
                    "first_seen", start + i));
        }
        root.put("network", network);
        root.put("domains", domains);
        Map<String, Object> artifacts = new LinkedHashMap<>();
        artifacts.put("1", object("path", s.filename(), "md5", s.md5(), "sha1", s.sha1(), "sha256", s.sha256(),
                "size", 48_128 + s.filename().length(), "magic-type", magicOf(s.filename()),
                "relation", "submitted", "origin", "submitted"));
        int number = 2;
        for (DroppedFile file : a.dropped()) {
            artifacts.put(String.valueOf(number++), object("path", file.path(), "md5", file.md5(),
                    "sha1", file.sha1(), "sha256", file.sha256(), "size", file.size(), "magic-type", file.magicType(),
                    "relation", "dropped", "origin", "disk"));
        }
        root.put("artifacts", artifacts);
        root.put("processes", processes(s));
        root.put("annotations", Map.of());
        root.put("warnings", List.of());
        root.put("version", 3);
        return root;
    }

    private static Map<String, Object> processes(SimulatedSample s) {
        Map<String, Object> processes = new LinkedHashMap<>();
        long time = s.runAt().getEpochSecond();
        int pid = 1_000 + (int) (s.submissionId() % 1_000) * 4;
        int parent = 600;
        List<String> names = s.analysis().processNames();
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            String image = "C:\\Users\\user\\" + (i == 0 ? "..\\..\\Windows\\" : "Desktop\\") + name;
            processes.put(String.valueOf(i + 1), object("pid", pid, "ppid", parent, "process_name", name,
                    "analyzed_because", i == 0 ? "parent of target" : i == 1 ? "target" : "child of target",
                    "startup_info", object("command_line", "\"" + image + "\"" + (i == 2 ? " -enc SQBFAFgA" : ""),
                            "image_pathname", image, "current_directory", "C:\\Users\\user\\Desktop\\"),
                    "time", time + i,
                    "files_created", i == 1 ? s.analysis().dropped().stream().map(DroppedFile::path).toList()
                            : List.of(),
                    "registry_keys_created", i == 1
                            ? List.of("HKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\upd")
                            : List.of()));
            parent = pid;
            pid += 4;
        }
        return processes;
    }

    private static String magicOf(String filename) {
        return switch (typeOf(filename)) {
            case "exe", "scr" -> "PE32 executable (GUI) Intel 80386, for MS Windows";
            case "docm", "xlsm" -> "Microsoft OOXML";
            case "js" -> "ASCII text, with very long lines";
            case "msi" -> "Composite Document File V2 Document, MSI Installer";
            default -> "Zip archive data, at least v2.0 to extract";
        };
    }

    private static String typeOf(String filename) {
        return filename.substring(filename.lastIndexOf('.') + 1);
    }

    /** An ordered JSON object from alternating names and values. */
    static Map<String, Object> object(Object... namesAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            map.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return map;
    }
}
