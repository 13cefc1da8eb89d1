package io.tgharvester.analyze;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The analyzers of one harvester: the built-ins it was given, those registered on the classpath, and those of every
 * jar in the plugins dir, each opened. A jar gets a class loader of its own, so two plugins may bring different
 * versions of a library. A plugin that cannot be loaded, named or opened is logged and left out: it never stops the
 * harvester or keeps another plugin out.
 */
public final class AnalyzerPlugins implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AnalyzerPlugins.class);
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    /** A broken services file can make ServiceLoader fail on every step; stop reading a jar after this many. */
    private static final int MAX_ERRORS_PER_SOURCE = 20;

    /** The opened analyzers by name, built-ins first. */
    private final Map<String, SampleAnalyzer> analyzers;
    private final List<URLClassLoader> loaders;

    /** An analyzer found, and where: built-in, the classpath, or a jar. */
    private record Found(SampleAnalyzer analyzer, String source) {
    }

    private AnalyzerPlugins(Map<String, SampleAnalyzer> analyzers, List<URLClassLoader> loaders) {
        this.analyzers = Collections.unmodifiableMap(new LinkedHashMap<>(analyzers));
        this.loaders = List.copyOf(loaders);
    }

    /** Loads and opens {@code builtIns}, the classpath's analyzers and those of the jars in the plugins dir. */
    public static AnalyzerPlugins load(List<SampleAnalyzer> builtIns, AnalyzerContext context) {
        List<Found> found = new ArrayList<>(builtIns.stream().map(a -> new Found(a, "built-in")).toList());
        ClassLoader application = SampleAnalyzer.class.getClassLoader();
        found.addAll(providers(application, application, "the classpath"));
        List<URLClassLoader> loaders = new ArrayList<>();
        for (Path jar : jars(context.pluginsDir())) {
            try (JarFile readable = new JarFile(jar.toFile())) {
                URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, application);
                loaders.add(loader);
                found.addAll(providers(loader, loader, jar.toString()));
            } catch (IOException e) {
                log.error("event=plugin-not-loaded source={} error=\"not a readable jar: {}\"", jar, describe(e));
            }
        }
        Map<String, SampleAnalyzer> opened = new LinkedHashMap<>();
        for (Found f : found) {
            Optional<String> name = named(f.analyzer());
            if (name.isPresent() && opened.containsKey(name.get())) {
                log.error("event=analyzer-not-loaded analyzer={} from={} error=\"another analyzer has this name\"",
                        name.get(), f.source());
            } else if (name.isPresent() && opened(f, name.get(), context)) {
                opened.put(name.get(), f.analyzer());
            }
        }
        return new AnalyzerPlugins(opened, loaders);
    }

    /** The analyzers that opened, by name, built-ins first. */
    public Map<String, SampleAnalyzer> analyzers() {
        return analyzers;
    }

    /** The {@code *.jar} files of the plugins dir, by name; none when it does not exist. */
    private static List<Path> jars(Path pluginsDir) {
        if (!Files.isDirectory(pluginsDir)) {
            log.debug("event=no-plugins-dir dir={}", pluginsDir.toAbsolutePath());
            return List.of();
        }
        try (Stream<Path> files = Files.list(pluginsDir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".jar") && Files.isRegularFile(f))
                    .sorted().toList();
        } catch (IOException e) {
            log.error("event=plugins-not-loaded dir={} error=\"{}\"", pluginsDir.toAbsolutePath(), e.getMessage());
            return List.of();
        }
    }

    /**
     * The analyzers {@code loader} registers that its own class path defines ({@code owner}'s classes): a jar's
     * loader also sees the classpath's registrations through its parent, which the classpath's own pass already has.
     */
    private static List<Found> providers(ClassLoader loader, ClassLoader owner, String source) {
        List<Found> providers = new ArrayList<>();
        Iterator<ServiceLoader.Provider<SampleAnalyzer>> it =
                ServiceLoader.load(SampleAnalyzer.class, loader).stream().iterator();
        int errors = 0;
        while (errors < MAX_ERRORS_PER_SOURCE) {
            try {
                if (!it.hasNext()) {
                    break;
                }
                ServiceLoader.Provider<SampleAnalyzer> provider = it.next();
                if (provider.type().getClassLoader() == owner) {
                    providers.add(new Found(provider.get(), source));
                }
            } catch (ServiceConfigurationError | LinkageError | RuntimeException e) {
                errors++;
                log.error("event=plugin-not-loaded source={} error=\"{}\"", source, describe(e));
            }
        }
        return providers;
    }

    private static Optional<String> named(SampleAnalyzer analyzer) {
        String name;
        try {
            name = analyzer.name();
        } catch (RuntimeException | LinkageError e) {
            log.error("event=analyzer-not-loaded class={} error=\"name() failed: {}\"", analyzer.getClass().getName(),
                    describe(e));
            return Optional.empty();
        }
        if (name == null || !NAME.matcher(name).matches()) {
            log.error("event=analyzer-not-loaded class={} name=\"{}\" error=\"a name is 1 to 64 of a-z 0-9 . _ -,"
                    + " starting with a letter or digit\"", analyzer.getClass().getName(), name);
            return Optional.empty();
        }
        return Optional.of(name);
    }

    private static boolean opened(Found found, String name, AnalyzerContext context) {
        try {
            found.analyzer().open(context);
            log.info("event=analyzer-loaded analyzer={} class={} from={}", name,
                    found.analyzer().getClass().getName(), found.source());
            return true;
        } catch (Exception | LinkageError e) {
            log.error("event=analyzer-not-loaded analyzer={} error=\"open failed: {}\"", name, describe(e));
            return false;
        }
    }

    /** An exception as an analyzer's error: its type and message, for the log and the results table. */
    public static String describe(Throwable e) {
        return e.getMessage() == null ? e.getClass().getName() : e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    @Override
    public void close() {
        analyzers.forEach((name, analyzer) -> {
            try {
                analyzer.close();
            } catch (Exception | LinkageError e) {
                log.warn("event=analyzer-close-failed analyzer={} error=\"{}\"", name, describe(e));
            }
        });
        for (URLClassLoader loader : loaders) {
            try {
                loader.close();
            } catch (IOException e) {
                log.debug("event=plugin-jar-not-closed error=\"{}\"", e.getMessage());
            }
        }
    }
}
