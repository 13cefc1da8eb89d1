package io.tgharvester.sim;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * How large the simulator's artifacts are. Compact ones hold just what the analysis found (a few kilobytes), which
 * keeps tests fast; a backlog's size mix pads each artifact with noise up to a size drawn for it from a log-normal
 * distribution, as real analyses come: many small JSON files, captures and recordings from kilobytes to a few
 * megabytes (the figures are in docs/BENCHMARKS.md). Sizes derive from the sample id, so every request, and the
 * ground truth, see the same bytes.
 */
public enum ArtifactSizes {
    COMPACT,
    BACKLOG_MIX;

    /** {@code compact} or {@code backlog-mix}. */
    public static ArtifactSizes parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("artifact sizes must be compact or backlog-mix, not '" + text + "'");
        }
    }

    /** The size to pad {@code artifact} of {@code sampleId} up to; 0 for no padding. */
    int target(Artifact artifact, String sampleId) {
        if (this == COMPACT) {
            return 0;
        }
        SplittableRandom rnd = new SplittableRandom(seed(artifact, sampleId));
        double gaussian = gaussian(rnd);
        return switch (artifact) {
            case ANALYSIS -> logNormal(180_000, 0.8, gaussian, 20_000, 3_000_000);
            case PROCESSES -> logNormal(25_000, 0.8, gaussian, 4_000, 400_000);
            case PCAP -> logNormal(120_000, 1.5, gaussian, 2_000, 4_000_000);
            case VIDEO -> logNormal(600_000, 0.5, gaussian, 100_000, 2_500_000);
        };
    }

    /** The noise that fills {@code artifact} of {@code sampleId}: the same for every request. */
    static Noise noise(Artifact artifact, String sampleId) {
        return new Noise(seed(artifact, sampleId));
    }

    private static long seed(Artifact artifact, String sampleId) {
        return sampleId.hashCode() * 31L + artifact.ordinal();
    }

    private static int logNormal(double median, double sigma, double gaussian, int min, int max) {
        return (int) Math.max(min, Math.min(max, median * Math.exp(sigma * gaussian)));
    }

    /** Box-Muller: one standard normal draw. */
    private static double gaussian(SplittableRandom rnd) {
        return Math.sqrt(-2 * Math.log(1 - rnd.nextDouble())) * Math.cos(2 * Math.PI * rnd.nextDouble());
    }
}
