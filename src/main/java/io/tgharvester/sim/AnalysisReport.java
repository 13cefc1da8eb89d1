package io.tgharvester.sim;

import static io.tgharvester.sim.Json.object;

import io.tgharvester.sim.SimulatedAnalysis.DroppedFile;
import io.tgharvester.sim.SimulatedAnalysis.Ioc;
import io.tgharvester.sim.Traffic.Session;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * analysis.json and processes.json of a sample, with Threat Grid's structure: numbered objects for network sessions,
 * artifacts and processes, domains keyed by name, epoch seconds for times.
 */
final class AnalysisReport {
    private static final String RUN_KEY = "HKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\upd";

    private AnalysisReport() {
    }

    static Map<String, Object> analysis(SimulatedSample s) {
        SimulatedAnalysis a = s.analysis();
        long start = s.runAt().getEpochSecond();
        long end = s.procAt().getEpochSecond();
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("metadata", object(
                "malware_desc", List.of(object("filename", s.filename(), "magic", magicOf(s.filename()),
                        "md5", s.md5(), "sha1", s.sha1(), "sha256", s.sha256(), "size", sizeOf(s),
                        "type", typeOf(s.filename()))),
                "sandcastle_env", object("analysis_start", start, "analysis_end", end, "vm", s.vm(),
                        "run_time", end - start, "sample_executed", start + 1, "display_name", s.vm(),
                        "vm_id", s.id().substring(0, 12)),
                "general_details", object("report_created", s.completedAt().getEpochSecond(),
                        "sandbox_id", "sim-1", "sandbox_version", "tg-harvester-simulator")));
        root.put("status", object("ok", true, "state", s.finalState()));
        root.put("threat", object("threat_score", a.threatScore(), "heuristic_score", a.threatScore() * 9 / 10,
                "bucket", a.threatScore() >= 90 ? "high" : a.threatScore() >= 60 ? "medium" : "low"));
        root.put("iocs", iocs(a));
        List<Session> sessions = Traffic.of(s);
        root.put("network", network(sessions));
        root.put("domains", domains(a, sessions));
        root.put("artifacts", artifacts(s));
        root.put("processes", processes(s));
        root.put("annotations", object());
        root.put("warnings", List.of());
        root.put("version", 3);
        return root;
    }

    /** The processes section, shared by analysis.json and processes.json. */
    static Map<String, Object> processes(SimulatedSample s) {
        Map<String, Object> processes = new LinkedHashMap<>();
        long time = s.runAt().getEpochSecond();
        int pid = 1_000 + (int) (s.submissionId() % 1_000) * 4;
        int parent = 600;
        List<String> names = s.analysis().processNames();
        for (int i = 0; i < names.size(); i++) {
            boolean target = i == 1;
            String image = imageOf(names.get(i), target);
            processes.put(String.valueOf(i + 1), object("pid", pid, "ppid", parent, "process_name", names.get(i),
                    "analyzed_because", i == 0 ? "parent of target" : target ? "target" : "child of target",
                    "startup_info", object("command_line", "\"" + image + "\"" + (i == 2 ? " -enc SQBFAFgA" : ""),
                            "image_pathname", image, "current_directory", "C:\\Users\\user\\Desktop\\"),
                    "time", time + i,
                    "files_created", target ? s.analysis().dropped().stream().map(DroppedFile::path).toList()
                            : List.of(),
                    "registry_keys_created", target ? List.of(RUN_KEY) : List.of()));
            parent = pid;
            pid += 4;
        }
        return processes;
    }

    private static List<Object> iocs(SimulatedAnalysis a) {
        List<Object> iocs = new ArrayList<>();
        for (Ioc ioc : a.iocs()) {
            iocs.add(object("ioc", ioc.name(), "title", ioc.title(), "description", ioc.title() + " during analysis.",
                    "category", List.of(ioc.category()), "tags", List.of(ioc.category(), "simulated"),
                    "severity", ioc.severity(), "confidence", ioc.confidence(), "hits", 1 + ioc.name().length() % 3,
                    "data", List.of(object("Network_Stream", 0))));
        }
        return iocs;
    }

    private static Map<String, Object> network(List<Session> sessions) {
        Map<String, Object> network = new LinkedHashMap<>();
        for (int i = 0; i < sessions.size(); i++) {
            Session n = sessions.get(i);
            network.put(String.valueOf(i), object("src", n.src(), "src_port", n.srcPort(), "dst", n.dst(),
                    "dst_port", n.dstPort(), "transport", n.transport(), "service", n.service(),
                    "bytes_orig", n.request().length, "bytes_resp", n.response().length,
                    "ts_begin", n.begin(), "ts_end", n.end()));
        }
        return network;
    }

    private static Map<String, Object> domains(SimulatedAnalysis a, List<Session> sessions) {
        Map<String, Object> domains = new LinkedHashMap<>();
        for (int i = 0; i < a.domains().size(); i++) {
            domains.put(a.domains().get(i), object("status", "resolved", "ips", List.of(a.ips().get(i)),
                    "first_seen", sessions.get(2 * i).begin()));
        }
        return domains;
    }

    private static Map<String, Object> artifacts(SimulatedSample s) {
        Map<String, Object> artifacts = new LinkedHashMap<>();
        artifacts.put("1", object("path", s.filename(), "md5", s.md5(), "sha1", s.sha1(), "sha256", s.sha256(),
                "size", sizeOf(s), "magic-type", magicOf(s.filename()), "relation", "submitted",
                "origin", "submitted"));
        for (DroppedFile file : s.analysis().dropped()) {
            artifacts.put(String.valueOf(artifacts.size() + 1), object("path", file.path(), "md5", file.md5(),
                    "sha1", file.sha1(), "sha256", file.sha256(), "size", file.size(),
                    "magic-type", file.magicType(), "relation", "dropped", "origin", "disk"));
        }
        return artifacts;
    }

    private static String imageOf(String processName, boolean target) {
        return switch (processName) {
            case "explorer.exe" -> "C:\\Windows\\explorer.exe";
            case "powershell.exe" -> "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe";
            case "wscript.exe", "msiexec.exe" -> "C:\\Windows\\System32\\" + processName;
            case "WINWORD.EXE", "EXCEL.EXE" -> "C:\\Program Files\\Microsoft Office\\root\\Office16\\" + processName;
            case "7zFM.exe" -> "C:\\Program Files\\7-Zip\\7zFM.exe";
            default -> (target ? "C:\\Users\\user\\Desktop\\" : "C:\\Users\\user\\AppData\\Local\\Temp\\")
                    + processName;
        };
    }

    private static long sizeOf(SimulatedSample s) {
        return 48_128 + s.filename().length();
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
}
