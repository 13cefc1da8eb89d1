package io.tgharvester.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tgharvester.report.Charts.Histogram;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ChartsTest {
    @Test
    void histogramBinsHaveANiceWidthStartAtTheFastestAnalysisAndCountEveryValue() {
        Histogram h = Histogram.of(List.of(100L, 200L, 300L, 1000L));

        assertEquals(30, h.width(), "31 half-minute bins rather than 901 one-second ones");
        assertEquals(90, h.lower());
        assertEquals(31, h.counts().length);
        assertEquals(4, Arrays.stream(h.counts()).sum());
        assertTrue(h.minutes());
        assertEquals(0, h.clipped());
    }

    @Test
    void aFewFarOutliersGoIntoTheLastBarInsteadOfSqueezingTheRest() {
        List<Long> seconds = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            seconds.add(400L + i % 60);
        }
        seconds.add(86_400L);
        seconds.add(90_000L);

        Histogram h = Histogram.of(seconds);

        assertEquals(2, h.clipped());
        assertEquals(90_000L, h.max());
        assertEquals(202, Arrays.stream(h.counts()).sum());
        assertTrue(h.counts().length <= 40);
    }

    @Test
    void theTimeToResultChartDrawsForManyShapesOfData() {
        SplittableRandom rnd = new SplittableRandom(7);
        List<List<Long>> cases = new ArrayList<>(List.of(List.of(0L), List.of(5L, 5L), List.of(59L, 61L, 3601L),
                // 10 s bins shown in minutes: edges of a sixth of a minute must still meet exactly
                List.of(399L, 720L, 511L, 396L, 376L, 434L, 631L, 415L, 460L, 493L, 494L, 407L, 406L, 502L, 712L)));
        for (int n = 0; n < 40; n++) {
            List<Long> values = new ArrayList<>();
            int size = rnd.nextInt(1, 300);
            long scale = new long[]{10, 100, 1000, 10_000, 100_000}[rnd.nextInt(5)];
            for (int i = 0; i < size; i++) {
                values.add((long) (rnd.nextDouble() * scale) + rnd.nextInt(1, 400));
            }
            cases.add(values);
        }
        for (List<Long> values : cases) {
            double median = values.stream().sorted().toList().get(values.size() / 2);
            String svg = Charts.timeToResult(values, Optional.of(median), Optional.of(median * 1.5), 560, 320, "t");
            assertTrue(svg.startsWith("<svg role=\"img\"") && svg.endsWith("</svg>"), values.toString());
        }
    }
}
