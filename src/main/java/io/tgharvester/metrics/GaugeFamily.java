package io.tgharvester.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.Map;

/**
 * Gauges of one name that differ by one label, whose label values come and go (a new sample state, a stage that
 * ran for the first time): set to a whole new set of values at once, the series of a label value no longer present
 * disappear. Micrometer keeps gauges weakly, so each reads this object, which the metrics hold.
 */
final class GaugeFamily {
    private final MultiGauge gauges;
    private final String label;
    private volatile Map<String, Double> values = Map.of();

    GaugeFamily(MeterRegistry registry, String name, String label, String baseUnit, String description) {
        this.gauges = MultiGauge.builder(name).baseUnit(baseUnit).description(description).register(registry);
        this.label = label;
    }

    /** Replaces every series with one per entry of {@code next}. */
    void set(Map<String, Double> next) {
        values = Map.copyOf(next);
        gauges.register(next.keySet().stream()
                .map(value -> MultiGauge.Row.of(Tags.of(label, value), this, family -> family.value(value)))
                .toList());
    }

    private double value(String labelValue) {
        return values.getOrDefault(labelValue, Double.NaN);
    }
}
