package io.tgharvester.bench;

import io.tgharvester.Leaks;
import io.tgharvester.sim.GroundTruth;
import io.tgharvester.sim.RecordedRequest;
import io.tgharvester.sim.SimulatedSample;
import io.tgharvester.store.Database;
import io.tgharvester.store.Queries;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A harvested data dir held against the simulator's ground truth, as counts an operator can read. */
record Reconciliation(int samplesExpected, int samplesCollected, int samplesLost, int statesWrong,
                      int artifactsExpected, int artifactsIntact, int artifactsCorrupt, int artifactsMissing,
                      int keyLeaks, long listCalls, long listCallsWithoutOrgOnly) {

    private static final List<String> ARTIFACTS =
            List.of("analysis.json", "processes.json", "network.pcap", "video.webm");

    boolean clean() {
        return samplesLost == 0 && statesWrong == 0 && artifactsCorrupt == 0 && artifactsMissing == 0
                && keyLeaks == 0 && listCallsWithoutOrgOnly == 0;
    }

    static Reconciliation of(GroundTruth truth, Instant now, Path dataDir, List<RecordedRequest> requests,
                             String apiKey, List<Path> logs) throws IOException {
        Map<String, String> stored = new HashMap<>();
        try (Database db = Database.openReadOnly(dataDir)) {
            Queries queries = new Queries(db);
            queries.userQuery("SELECT id, state FROM samples").rows()
                    .forEach(r -> stored.put((String) r.get(0), (String) r.get(1)));
        }
        int lost = 0;
        int wrong = 0;
        int expected = 0;
        int intact = 0;
        int corrupt = 0;
        int missing = 0;
        for (SimulatedSample sample : truth.samples()) {
            String state = stored.get(sample.id());
            if (state == null) {
                lost++;
                continue;
            }
            if (!state.equals(sample.stateAt(now))) {
                wrong++;
            }
            for (String name : ARTIFACTS) {
                Optional<String> served = sample.stateAt(now).equals("succ")
                        ? truth.artifactSha256(sample.id(), name) : Optional.empty();
                if (served.isEmpty()) {
                    continue;
                }
                expected++;
                Path file = dataDir.resolve("artifacts").resolve(sample.id()).resolve(name);
                if (!Files.exists(file)) {
                    missing++;
                } else if (served.get().equals(sha256(file))) {
                    intact++;
                } else {
                    corrupt++;
                }
            }
        }
        long lists = requests.stream().filter(r -> r.path().equals("/api/v2/samples")).count();
        long withoutOrgOnly = requests.stream().filter(r -> r.path().equals("/api/v2/samples"))
                .filter(r -> r.rawQuery() == null || !r.rawQuery().contains("org_only=True")).count();
        return new Reconciliation(truth.samples().size(), stored.size(), lost, wrong, expected, intact, corrupt,
                missing, Leaks.filesContaining(apiKey, dataDir, logs).size(), lists, withoutOrgOnly);
    }

    private static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    String table() {
        return String.join("\n",
                "figure                          value",
                "------------------------------  -----",
                row("samples expected", samplesExpected), row("samples collected", samplesCollected),
                row("samples lost", samplesLost), row("samples in a wrong state", statesWrong),
                row("artifacts expected", artifactsExpected), row("artifacts intact (sha256)", artifactsIntact),
                row("artifacts corrupt", artifactsCorrupt), row("artifacts missing", artifactsMissing),
                row("files leaking the API key", keyLeaks), row("list calls", listCalls),
                row("list calls without org_only", listCallsWithoutOrgOnly));
    }

    private static String row(String figure, long value) {
        return String.format("%-30s  %d", figure, value);
    }
}
