package io.tgharvester.report;

/** Output formats of tabular commands. */
public enum Format { TABLE, CSV, JSON }
