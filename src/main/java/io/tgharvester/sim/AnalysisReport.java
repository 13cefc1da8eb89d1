package io.tgharvester.sim;

import static io.tgharvester.sim.Json.object;

import io.tgharvester.sim.SimulatedAnalysis.DroppedFile;
import io.tgharvester.sim.SimulatedAnalysis.Ioc;
import io.tgharvester.sim.Traffic.DnsLookup;
import io.tgharvester.sim.Traffic.HttpGet;
import io.tgharvester.sim.Traffic.Session;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * analysis.json and processes.json of a sample, shaped on the public examples (src/test/resources/analysis/SOURCES):
 * numbered objects for network sessions, artifacts and processes, domains keyed by name, epoch seconds for report
 * times and text for process times; each session's protocol details in {@code decoded}, HTTP as request and response
 * entries, DNS as an object keyed by number of queries with their answers; processes under {@code dynamic}.
 */
final class AnalysisReport {
    private static final String RUN_KEY = "HKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\upd";
    /** How Threat Grid writes a process's start time. */
    private static final DateTimeFormatter PROCESS_TIME = DateTimeFormatter
            .ofPattern("EEE, dd MMM yyyy HH:mm:ss 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);
    /** Every artifact of the public examples has this relation: no member set. */
    private static final Map<String, Object> NO_RELATION = Collections.unmodifiableMap(object("contains", null,
            "extracted_from", null, "network", null, "process", null));
    /** The target process's number in {@link #processes}, which drops the files. */
    private static final int TARGET_PROCESS = 2;

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
        root.put("network", network(s));
        root.put("domains", domains(a));
        root.put("artifacts", artifacts(s));
        root.put("dynamic", object("processes", processes(s)));
        root.put("annotations", object());
        root.put("warnings", List.of());
        root.put("version", 3);
        return root;
    }

    /** The processes section, shared by analysis.json and processes.json. */
    static Map<String, Object> processes(SimulatedSample s) {
        Map<String, Object> processes = new LinkedHashMap<>();
        Instant time = s.runAt();
        int pid = 1_000 + (int) (s.submissionId() % 1_000) * 4;
        int parent = 600;
        List<String> names = s.analysis().processNames();
        for (int i = 0; i < names.size(); i++) {
            boolean target = i + 1 == TARGET_PROCESS;
            String image = imageOf(names.get(i), target);
            processes.put(String.valueOf(i + 1), object("pid", pid, "ppid", parent, "process_name", names.get(i),
                    "analyzed_because", i == 0 ? "Process activity after target sample started."
                            : target ? "Is potential target sample." : "Parent is being analyzed",
                    "startup_info", object("command_line", "\"" + image + "\"" + (i == 2 ? " -enc SQBFAFgA" : ""),
                            "image_pathname", image, "current_directory", "C:\\Users\\user\\Desktop\\"),
                    "time", PROCESS_TIME.format(time.plusSeconds(i)),
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

    private static Map<String, Object> network(SimulatedSample s) {
        Map<String, Object> network = new LinkedHashMap<>();
        List<Session> sessions = Traffic.of(s);
        // The public clients disagree on how HTTP entries nest (a list, or a list of lists): samples take turns.
        boolean nested = s.submissionId() % 2 == 1;
        for (int i = 0; i < sessions.size(); i++) {
            Session n = sessions.get(i);
            network.put(String.valueOf(i), object("session", i, "src", n.src(), "src_port", n.srcPort(),
                    "dst", n.dst(), "dst_port", n.dstPort(), "transport", n.transport(), "service", n.service(),
                    "protocol", n.service().toUpperCase(Locale.ROOT), "bytes_orig", n.request().length,
                    "bytes_resp", n.response().length, "ts_begin", n.begin(), "ts_end", n.end(),
                    "decoded", decoded(n, nested)));
        }
        return network;
    }

    private static Object decoded(Session n, boolean nested) {
        if (n.decoded() instanceof DnsLookup dns) {
            return object("0", object(
                    "query", object("query_data", dns.name(), "query_type", "A", "query_id", dns.queryId()),
                    "answers", List.of(object("answer_id", dns.queryId(), "answer_type", "A",
                            "answer_data", dns.address()))));
        }
        HttpGet get = (HttpGet) n.decoded();
        List<Object> exchange = List.of(
                object("type", "request", "method", "GET", "url", get.url(), "host", get.host(), "port", 80,
                        "request_path", get.path(), "version", "1.1", "ts", n.begin(),
                        "headers", object("host", get.host(), "user-agent", Traffic.USER_AGENT, "accept", "*/*")),
                object("type", "response", "status_code", 200, "status", "OK", "version", "1.1", "ts", n.end(),
                        "headers", object("content-type", "application/octet-stream",
                                "content-length", String.valueOf(get.contentLength()))));
        return nested ? List.of(exchange) : exchange;
    }

    /** Keyed by name; Threat Grid's entries say what is known of the domain, not what it resolved to. */
    private static Map<String, Object> domains(SimulatedAnalysis a) {
        Map<String, Object> domains = new LinkedHashMap<>();
        for (String domain : a.domains()) {
            domains.put(domain, object("status", "innocuous", "content_categories", List.of(),
                    "security_categories", List.of()));
        }
        return domains;
    }

    private static Map<String, Object> artifacts(SimulatedSample s) {
        Map<String, Object> artifacts = new LinkedHashMap<>();
        artifacts.put("1", object("path", s.filename(), "md5", s.md5(), "sha1", s.sha1(), "sha256", s.sha256(),
                "size", sizeOf(s), "magic-type", magicOf(s.filename()), "origin", "submitted",
                "relation", NO_RELATION, "created_by", List.of()));
        for (DroppedFile file : s.analysis().dropped()) {
            artifacts.put(String.valueOf(artifacts.size() + 1), object("path", file.path(), "md5", file.md5(),
                    "sha1", file.sha1(), "sha256", file.sha256(), "size", file.size(),
                    "magic-type", file.magicType(), "origin", "disk", "relation", NO_RELATION,
                    "created_by", List.of(TARGET_PROCESS)));
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
