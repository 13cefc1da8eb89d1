package io.tgharvester.metrics;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads the Prometheus text format back, strictly: every line a comment, a TYPE or HELP line, or a sample of a
 * declared metric with well-formed labels and a number. Anything else fails the test that reads it.
 */
public record PrometheusText(Map<String, Double> samples) {
    private static final Pattern SAMPLE = Pattern.compile(
            "([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)\\})? (\\S+)(?: -?[0-9]+)?");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");
    private static final Pattern TYPE = Pattern.compile(
            "# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|summary|histogram|untyped)");
    private static final List<String> SUFFIXES = List.of("", "_total", "_count", "_sum", "_bucket", "_created");

    public static PrometheusText parse(String text) {
        Map<String, Double> samples = new TreeMap<>();
        Set<String> declared = new HashSet<>();
        for (String line : text.split("\n")) {
            if (line.isEmpty() || line.startsWith("# HELP ")) {
                continue;
            }
            Matcher type = TYPE.matcher(line);
            if (type.matches()) {
                declared.add(type.group(1));
                continue;
            }
            Matcher sample = SAMPLE.matcher(line);
            if (!sample.matches()) {
                throw new AssertionError("not a line of the Prometheus text format: " + line);
            }
            String name = sample.group(1);
            if (SUFFIXES.stream().noneMatch(suffix -> name.endsWith(suffix)
                    && declared.contains(name.substring(0, name.length() - suffix.length())))) {
                throw new AssertionError("a sample of no declared metric: " + line);
            }
            samples.put(key(name, labels(sample.group(2), line)), number(sample.group(3), line));
        }
        return new PrometheusText(samples);
    }

    /** The value of the series {@code name} with exactly the labels given as name/value pairs, if exported. */
    public Double value(String name, String... labels) {
        Map<String, String> wanted = new TreeMap<>();
        for (int i = 0; i + 1 < labels.length; i += 2) {
            wanted.put(labels[i], labels[i + 1]);
        }
        return samples.get(key(name, wanted));
    }

    public boolean has(String name) {
        return samples.keySet().stream().anyMatch(key -> key.equals(name) || key.startsWith(name + "{"));
    }

    private static Map<String, String> labels(String text, String line) {
        Map<String, String> labels = new TreeMap<>();
        if (text == null || text.isEmpty()) {
            return labels;
        }
        Matcher m = LABEL.matcher(text);
        int end = 0;
        while (m.find() && m.start() == end) {
            labels.put(m.group(1), m.group(2).replace("\\\"", "\"").replace("\\n", "\n").replace("\\\\", "\\"));
            end = m.end();
        }
        if (end != text.length()) {
            throw new AssertionError("malformed labels: " + line);
        }
        return labels;
    }

    private static double number(String text, String line) {
        try {
            return switch (text) {
                case "+Inf" -> Double.POSITIVE_INFINITY;
                case "-Inf" -> Double.NEGATIVE_INFINITY;
                default -> Double.parseDouble(text);
            };
        } catch (NumberFormatException e) {
            throw new AssertionError("not a number in: " + line);
        }
    }

    private static String key(String name, Map<String, String> labels) {
        return labels.isEmpty() ? name : name + labels.entrySet().stream()
                .map(e -> e.getKey() + "=\"" + e.getValue() + "\"").collect(Collectors.joining(",", "{", "}"));
    }
}
