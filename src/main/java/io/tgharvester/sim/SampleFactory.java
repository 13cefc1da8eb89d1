package io.tgharvester.sim;

import io.tgharvester.sim.SimulatedAnalysis.DroppedFile;
import io.tgharvester.sim.SimulatedAnalysis.Ioc;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Makes sample number {@code n} of the organization, the same every time for the same seed. Names and addresses come
 * from reserved example domains and documentation address ranges only.
 */
final class SampleFactory {
    static final List<String> DOMAINS = List.of(
            "cdn-update.example.com", "login-verify.example.net", "telemetry.example.org", "dl.payload.example",
            "invoice-portal.example.com", "c2.beacon.example", "api.files-share.example.net",
            "mail-relay.example.org", "static.ads-track.example", "update.driver-fix.example.com");
    private static final List<Ioc> IOCS = List.of(
            new Ioc("network-communications-http-get-url", "Outbound HTTP GET Request", "network", 40, 60),
            new Ioc("registry-autorun-key-data-exe", "Process Modified Autorun Registry Key", "persistence", 80, 80),
            new Ioc("process-injection-remote-thread", "Process Injected Code Into Another Process", "evasion", 90, 85),
            new Ioc("pe-dropped-executable", "Executable Dropped to Disk", "file", 60, 70),
            new Ioc("powershell-download-cradle", "PowerShell Downloaded and Ran a Payload", "execution", 85, 90),
            new Ioc("antivirus-service-disabled", "Antivirus Service Disabled", "evasion", 95, 90),
            new Ioc("dns-lookup-newly-registered", "DNS Query for a Newly Registered Domain", "network", 50, 55),
            new Ioc("office-macro-spawned-shell", "Office Macro Started a Shell", "execution", 75, 85));
    private static final List<String> FILE_STEMS = List.of(
            "invoice_%d.pdf.exe", "scan_%d.docm", "payload_%d.js", "update_%d.msi", "report_%d.xlsm",
            "setup_%d.exe", "photo_%d.scr", "archive_%d.zip");
    private static final List<String> VMS = List.of("win10", "win7-x64", "win11");
    private static final List<String> TAGS = List.of("phishing", "email", "user-reported", "edr-alert", "q4");
    private static final List<String> DROPPED_PATHS = List.of(
            "C:\\Users\\user\\AppData\\Local\\Temp\\svchost32.exe", "C:\\ProgramData\\upd\\loader.dll",
            "C:\\Users\\user\\AppData\\Roaming\\cfg.dat", "C:\\Windows\\Temp\\stage2.ps1",
            "C:\\Users\\user\\Documents\\readme.txt", "C:\\ProgramData\\task\\run.bat");

    private final SimulatorConfig config;

    SampleFactory(SimulatorConfig config) {
        this.config = config;
    }

    SimulatedSample make(int n, Instant submittedAt) {
        SplittableRandom rnd = new SplittableRandom(config.seed() * 1_000_003L + n);
        String id = HexFormat.of().formatHex(ByteBuffer.allocate(16).putLong(rnd.nextLong()).putLong(rnd.nextLong())
                .array());
        Instant prep = submittedAt.plus(step(rnd));
        Instant run = prep.plus(step(rnd));
        Instant proc = run.plus(step(rnd));
        Instant done = proc.plus(step(rnd));
        boolean failed = rnd.nextDouble() < config.failRate();
        String filename = FILE_STEMS.get(rnd.nextInt(FILE_STEMS.size())).formatted(n);
        String vm = VMS.get(rnd.nextInt(VMS.size()));
        byte[] content = ("simulated sample " + id).getBytes(StandardCharsets.UTF_8);
        return new SimulatedSample(id, 100_000L + n, login(rnd), filename, Hashes.hex("MD5", content),
                Hashes.hex("SHA-1", content), Hashes.hex("SHA-256", content), pick(rnd, TAGS, 0, 2), vm,
                vm.equals("win7-x64") ? "6.1.7601" : vm.equals("win11") ? "10.0.22621" : "10.0.19045",
                submittedAt, prep, run, proc, done, failed ? "fail" : "succ",
                rnd.nextDouble() >= config.noVideoRate(), rnd.nextDouble() >= config.noPcapRate(),
                analysis(rnd, filename));
    }

    /** Some users submit much more than others, as in real teams. */
    private String login(SplittableRandom rnd) {
        if (rnd.nextDouble() < config.nullLoginRate()) {
            return null;
        }
        int users = config.users().size();
        return config.users().get(Math.min(users - 1, (int) (users * Math.pow(rnd.nextDouble(), 1.6))));
    }

    private Duration step(SplittableRandom rnd) {
        long mean = config.stateStep().toMillis();
        long millis = mean / 2 + rnd.nextLong(mean + 1);
        return Duration.ofSeconds(Math.max(1, Math.round(millis / 1000.0)));
    }

    private static SimulatedAnalysis analysis(SplittableRandom rnd, String filename) {
        List<String> domains = pick(rnd, DOMAINS, 1, 3);
        List<String> ips = domains.stream().map(SampleFactory::addressOf).toList();
        List<Ioc> iocs = pick(rnd, IOCS, 1, 4);
        List<DroppedFile> dropped = new ArrayList<>();
        for (String path : pick(rnd, DROPPED_PATHS, 0, 2)) {
            byte[] content = ("dropped " + path).getBytes(StandardCharsets.UTF_8);
            dropped.add(new DroppedFile(path, Hashes.hex("SHA-256", content), Hashes.hex("MD5", content),
                    Hashes.hex("SHA-1", content), 4096L + path.length() * 37L,
                    path.endsWith(".exe") || path.endsWith(".dll") ? "PE32 executable (GUI) Intel 80386" : "data"));
        }
        int threat = Math.min(100, iocs.stream().mapToInt(Ioc::severity).max().orElse(0) + rnd.nextInt(10));
        List<String> processes = new ArrayList<>(List.of("explorer.exe", targetProcess(filename)));
        if (iocs.stream().anyMatch(i -> i.category().equals("execution"))) {
            processes.add("powershell.exe");
        }
        return new SimulatedAnalysis(threat, domains, ips, iocs, dropped, processes);
    }

    /** The process that opens the submitted file: the file itself when it is a program. */
    private static String targetProcess(String filename) {
        return switch (filename.substring(filename.lastIndexOf('.') + 1)) {
            case "exe", "scr" -> filename;
            case "js" -> "wscript.exe";
            case "msi" -> "msiexec.exe";
            case "xlsm" -> "EXCEL.EXE";
            case "zip" -> "7zFM.exe";
            default -> "WINWORD.EXE";
        };
    }

    /** Each domain always resolves to the same documentation-range address, so samples share addresses too. */
    static String addressOf(String domain) {
        int index = DOMAINS.indexOf(domain);
        String[] nets = {"192.0.2.", "198.51.100.", "203.0.113."};
        return nets[index % 3] + (20 + index * 7);
    }

    /** {@code min} to {@code max} distinct items, in pool order. */
    private static <T> List<T> pick(SplittableRandom rnd, List<T> pool, int min, int max) {
        int count = min + rnd.nextInt(max - min + 1);
        Set<Integer> chosen = new LinkedHashSet<>();
        while (chosen.size() < count) {
            chosen.add(rnd.nextInt(pool.size()));
        }
        return chosen.stream().sorted().map(pool::get).toList();
    }
}
