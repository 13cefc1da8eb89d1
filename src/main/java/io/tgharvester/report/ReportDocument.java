package io.tgharvester.report;

import java.util.List;

/** A report ready to render: its name ({@code users}, {@code activity}), title, scope and tables in order. */
public record ReportDocument(String name, String title, ReportScope scope, List<ReportTable> tables) {
    public ReportDocument {
        tables = List.copyOf(tables);
    }
}
