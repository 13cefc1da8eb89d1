package io.tgharvester.bench;

/**
 * One measured figure against its limit: {@code ratio} is value / limit, and {@code target} the ratio a pass needs,
 * read as an upper bound when {@code atMost} (a cost such as calls per sample) and as a lower bound otherwise (a rate).
 */
record BenchRow(String figure, double value, double limit, double target, boolean atMost, String unit) {
    double ratio() {
        return value / limit;
    }

    boolean passes() {
        return atMost ? ratio() <= target : ratio() >= target;
    }
}
