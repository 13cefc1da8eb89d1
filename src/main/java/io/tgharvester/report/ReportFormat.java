package io.tgharvester.report;

/** Output formats of {@code report}: the tabular ones, and one self-contained HTML page with charts. */
public enum ReportFormat { TABLE, CSV, JSON, HTML }
