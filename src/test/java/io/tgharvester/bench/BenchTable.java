package io.tgharvester.bench;

import java.util.List;
import java.util.Locale;

/** The table every benchmark prints: figure, value, limit, ratio, target, pass/fail. */
record BenchTable(String title, List<BenchRow> rows, List<String> notes) {
    BenchTable {
        rows = List.copyOf(rows);
        notes = List.copyOf(notes);
    }

    boolean passes() {
        return rows.stream().allMatch(BenchRow::passes);
    }

    /** Markdown, so the same text reads in a terminal and in docs/BENCHMARKS.md. */
    String markdown() {
        StringBuilder out = new StringBuilder("### " + title + "\n\n")
                .append("| figure | value | limit | ratio | target | result |\n")
                .append("|---|---:|---:|---:|---|---|\n");
        for (BenchRow r : rows) {
            out.append(String.format(Locale.ROOT, "| %s | %s %s | %s | %.4f | %s %.4f | %s |%n", r.figure(),
                    number(r.value()), r.unit(), number(r.limit()), r.ratio(), r.atMost() ? "≤" : "≥", r.target(),
                    r.passes() ? "pass" : "FAIL"));
        }
        notes.forEach(n -> out.append("\n").append(n).append("\n"));
        return out.toString();
    }

    private static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v)
                : String.format(Locale.ROOT, "%.3f", v);
    }
}
