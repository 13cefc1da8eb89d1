package io.tgharvester.sim;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How the simulated organization behaves. Everything the simulator serves derives from {@code seed}, so two
 * simulators with the same config and clock serve the same samples and bytes.
 *
 * @param apiKey          the only key the simulator accepts
 * @param users           submitting logins (some submit more often than others); no nulls, see nullLoginRate
 * @param nullLoginRate   share of samples whose {@code login} is JSON null
 * @param submitEvery     mean gap between two submissions across the organization
 * @param historySamples  samples already submitted before the simulator started
 * @param historySpan     how far back those reach
 * @param maxSamples      no submissions after this many in total, history included (0: unlimited)
 * @param stateStep       mean time spent in each of wait, prep, run and proc
 * @param failRate        share of samples ending in {@code fail}
 * @param noVideoRate     share of succeeded samples without video.webm (404)
 * @param noPcapRate      share of succeeded samples without network.pcap (404)
 * @param seed            seed of every random choice
 * @param pageCap         most samples one list page holds, whatever limit is asked for (the page size it reports)
 * @param listOrder       the order of the sample list; sort_by and sort_order are ignored
 * @param artifactSizes   how large the artifacts are: compact, or a real backlog's size mix
 */
public record SimulatorConfig(
        String apiKey,
        List<String> users,
        double nullLoginRate,
        Duration submitEvery,
        int historySamples,
        Duration historySpan,
        int maxSamples,
        Duration stateStep,
        double failRate,
        double noVideoRate,
        double noPcapRate,
        long seed,
        int pageCap,
        ListOrder listOrder,
        ArtifactSizes artifactSizes) {

    /**
     * Threat Grid documents no largest {@code limit}; a cap of 100 is as inconvenient as any a real server could
     * plausibly set while far below the harvester's default page size of 1000.
     */
    public static final int DEFAULT_PAGE_CAP = 100;
    private static final List<String> TEAM = List.of("alice.soc", "bob.ir", "carol.hunt", "dave.noc", "erin.mail");

    public SimulatorConfig {
        if (apiKey == null || apiKey.isBlank()) {
            throw new IllegalArgumentException("the simulator needs an API key to accept");
        }
        if (users.isEmpty() || users.stream().anyMatch(Objects::isNull)) {
            throw new IllegalArgumentException("the simulator needs at least one user and no null user; "
                    + "samples without a login come from nullLoginRate");
        }
        users = List.copyOf(users);
        if (submitEvery.isNegative() || submitEvery.isZero() || stateStep.isNegative() || historySpan.isNegative()) {
            throw new IllegalArgumentException("submitEvery must be positive, stateStep and historySpan not negative");
        }
        if (historySamples < 0 || maxSamples < 0) {
            throw new IllegalArgumentException("historySamples and maxSamples must not be negative");
        }
        if (pageCap < 1) {
            throw new IllegalArgumentException("the page cap must be at least 1, not " + pageCap);
        }
        Objects.requireNonNull(listOrder, "listOrder");
        Objects.requireNonNull(artifactSizes, "artifactSizes");
        for (double rate : new double[] {nullLoginRate, failRate, noVideoRate, noPcapRate}) {
            if (!(rate >= 0 && rate <= 1)) {
                throw new IllegalArgumentException("rates are shares from 0 to 1, not " + rate);
            }
        }
    }

    /**
     * An organization whose list API caps pages at {@link #DEFAULT_PAGE_CAP} and lists newest first, serving compact
     * artifacts.
     */
    public SimulatorConfig(String apiKey, List<String> users, double nullLoginRate, Duration submitEvery,
                           int historySamples, Duration historySpan, int maxSamples, Duration stateStep,
                           double failRate, double noVideoRate, double noPcapRate, long seed) {
        this(apiKey, users, nullLoginRate, submitEvery, historySamples, historySpan, maxSamples, stateStep, failRate,
                noVideoRate, noPcapRate, seed, DEFAULT_PAGE_CAP, ListOrder.NEWEST,
                ArtifactSizes.COMPACT);
    }

    /** A calm organization: a sample every 20 s, analyses of about 40 s, some without video or capture. */
    public static SimulatorConfig defaults(String apiKey) {
        return new SimulatorConfig(apiKey, TEAM, 0.05, Duration.ofSeconds(20), 10, Duration.ofHours(1), 0,
                Duration.ofSeconds(10), 0.1, 0.1, 0.05, 42);
    }

    /**
     * Seconds-scale, for the demo: a sample every ~2 s, analyses of ~10 s. Submissions go on until the demo stops
     * them, and every succeeded sample has all four artifacts, so the demo can end complete.
     */
    public static SimulatorConfig demo(String apiKey) {
        return new SimulatorConfig(apiKey, TEAM, 0.05, Duration.ofSeconds(2), 12, Duration.ofMinutes(20), 0,
                Duration.ofMillis(2500), 0.12, 0, 0, 2026);
    }

    public SimulatorConfig withSeed(long newSeed) {
        return new SimulatorConfig(apiKey, users, nullLoginRate, submitEvery, historySamples, historySpan, maxSamples,
                stateStep, failRate, noVideoRate, noPcapRate, newSeed, pageCap, listOrder, artifactSizes);
    }

    public SimulatorConfig withMaxSamples(int max) {
        return new SimulatorConfig(apiKey, users, nullLoginRate, submitEvery, historySamples, historySpan, max,
                stateStep, failRate, noVideoRate, noPcapRate, seed, pageCap, listOrder, artifactSizes);
    }

    /** The same organization behind a list API with another page cap and order. */
    public SimulatorConfig withListing(int cap, ListOrder order) {
        return new SimulatorConfig(apiKey, users, nullLoginRate, submitEvery, historySamples, historySpan, maxSamples,
                stateStep, failRate, noVideoRate, noPcapRate, seed, cap, order, artifactSizes);
    }

    /** The same organization serving artifacts of another size. */
    public SimulatorConfig withArtifactSizes(ArtifactSizes sizes) {
        return new SimulatorConfig(apiKey, users, nullLoginRate, submitEvery, historySamples, historySpan, maxSamples,
                stateStep, failRate, noVideoRate, noPcapRate, seed, pageCap, listOrder, sizes);
    }
}
