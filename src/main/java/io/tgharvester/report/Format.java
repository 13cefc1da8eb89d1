package io.tgharvester.report;

/** Output formats of tabular commands; JSONL is one JSON object per line. */
public enum Format { TABLE, CSV, JSON, JSONL }
