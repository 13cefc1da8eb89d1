package io.tgharvester.analyze;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tgharvester.PluginJar;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AnalyzerPluginsTest {
    @TempDir
    Path dir;

    /** An analyzer in package {@code p} that tags each sample with its own name and the plugins dir it was given. */
    private static String tagging(String className, String name, String openBody) {
        return """
                package p;
                import io.tgharvester.analyze.*;
                public final class %s implements SampleAnalyzer {
                    private AnalyzerContext context;
                    public String name() { return "%s"; }
                    public void open(AnalyzerContext context) throws Exception { this.context = context; %s }
                    public AnalyzerResult analyze(AnalyzedSample sample) {
                        return AnalyzerResult.tagged(name(), context.pluginsDir().getFileName().toString());
                    }
                }
                """.formatted(className, name, openBody);
    }

    private static final SampleAnalyzer BUILT_IN = new SampleAnalyzer() {
        @Override
        public String name() {
            return "built-in";
        }

        @Override
        public AnalyzerResult analyze(AnalyzedSample sample) {
            return AnalyzerResult.none();
        }
    };

    private AnalyzerContext context(Path plugins) {
        return new AnalyzerContext(dir.resolve("data"), plugins, Clock.systemUTC());
    }

    private static AnalyzedSample sample() {
        return new AnalyzedSample(new SampleRow("0123456789abcdef0123456789abcdef", "succ", Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), List.of(), Optional.empty(), Optional.empty(),
                "default"),
                Optional.empty(), Map.of(), 1);
    }

    @Test
    void theAnalyzersOfAJarInThePluginsDirLoadAfterTheBuiltInsEachJarWithItsOwnClassLoader() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        PluginJar.build(plugins.resolve("one.jar"), Map.of("p.One", tagging("One", "one", "")), List.of("p.One"));
        PluginJar.build(plugins.resolve("two.jar"), Map.of("p.Two", tagging("Two", "two", "")), List.of("p.Two"));

        try (AnalyzerPlugins loaded = AnalyzerPlugins.load(List.of(BUILT_IN), context(plugins))) {
            assertEquals(List.of("built-in", "one", "two"), List.copyOf(loaded.analyzers().keySet()));
            assertEquals(List.of("one", "plugins"), loaded.analyzers().get("one").analyze(sample()).tags(),
                    "the plugin's own code ran, opened with the harvester's context");
            assertNotSame(loaded.analyzers().get("one").getClass().getClassLoader(),
                    loaded.analyzers().get("two").getClass().getClassLoader());
        }
    }

    @Test
    void pluginsThatCannotBeLoadedNamedOrOpenedAreLeftOutAndTheOthersLoad() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        PluginJar.build(plugins.resolve("a.jar"), Map.of(
                        "p.Good", tagging("Good", "good", ""),
                        "p.BadName", tagging("BadName", "Bad Name!", ""),
                        "p.FailsToOpen", tagging("FailsToOpen", "fails-to-open",
                                "throw new IllegalStateException(\"no licence file\");")),
                List.of("p.Missing", "p.BadName", "p.FailsToOpen", "p.Good"));
        PluginJar.build(plugins.resolve("b.jar"), Map.of("p.Same", tagging("Same", "good", "")), List.of("p.Same"));
        Files.writeString(plugins.resolve("c.jar"), "not a jar");

        try (AnalyzerPlugins loaded = AnalyzerPlugins.load(List.of(BUILT_IN), context(plugins))) {
            assertEquals(List.of("built-in", "good"), List.copyOf(loaded.analyzers().keySet()));
            assertEquals("p.Good", loaded.analyzers().get("good").getClass().getName(),
                    "of two analyzers with one name the first jar's is kept");
        }
    }

    @Test
    void aMissingPluginsDirMeansOnlyTheBuiltIns() {
        try (AnalyzerPlugins loaded = AnalyzerPlugins.load(List.of(BUILT_IN), context(dir.resolve("none")))) {
            assertEquals(List.of("built-in"), List.copyOf(loaded.analyzers().keySet()));
        }
    }

    @Test
    void aResultRefusesTagsAndFieldsTheTablesCannotHoldAndKeepsFieldOrder() {
        assertThrows(IllegalArgumentException.class, () -> AnalyzerResult.tagged(" "));
        assertThrows(IllegalArgumentException.class, () -> AnalyzerResult.tagged("x".repeat(256)));
        assertThrows(IllegalArgumentException.class, () -> AnalyzerResult.none().withRow(Map.of("", "v")));
        assertThrows(IllegalArgumentException.class,
                () -> AnalyzerResult.none().withRow(Map.of("f", "v".repeat(4097))));
        Map<String, String> row = new LinkedHashMap<>();
        row.put("z", "1");
        row.put("a", "2");
        row.put("m", "3");
        assertEquals(List.of("z", "a", "m"), List.copyOf(AnalyzerResult.none().withRow(row).rows().get(0).keySet()),
                "a row keeps its fields' order");
    }
}
