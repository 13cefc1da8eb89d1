package io.tgharvester;

import io.tgharvester.analyze.SampleAnalyzer;
import java.io.IOException;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * An analyzer plugin jar made the way a plugin author makes one: Java sources compiled against the harvester's
 * classes with the JDK's compiler, packed with a {@code META-INF/services/io.tgharvester.analyze.SampleAnalyzer}
 * naming its analyzers.
 */
public final class PluginJar {
    private PluginJar() {
    }

    /**
     * Writes {@code jar} from {@code sources} (fully qualified class name to source text), registering
     * {@code services} (class names, which need not exist) as analyzers.
     */
    public static Path build(Path jar, Map<String, String> sources, List<String> services) throws IOException {
        Path work = Files.createTempDirectory(jar.getParent(), "plugin-build");
        Path src = Files.createDirectories(work.resolve("src"));
        Path classes = Files.createDirectories(work.resolve("classes"));
        List<String> sourceFiles = new ArrayList<>();
        for (Map.Entry<String, String> source : sources.entrySet()) {
            Path file = src.resolve(source.getKey().replace('.', '/') + ".java");
            Files.createDirectories(file.getParent());
            Files.writeString(file, source.getValue());
            sourceFiles.add(file.toString());
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StringWriter messages = new StringWriter();
        boolean compiled = javac.getTask(messages, null, null,
                List.of("-d", classes.toString(), "-classpath", harvesterClasses(), "--release", "17", "-proc:none"),
                null, javac.getStandardFileManager(null, null, StandardCharsets.UTF_8)
                        .getJavaFileObjectsFromStrings(sourceFiles)).call();
        if (!compiled) {
            throw new IllegalStateException("the plugin did not compile:\n" + messages);
        }
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
             Stream<Path> files = Files.walk(classes)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                add(out, classes.relativize(file).toString().replace('\\', '/'), Files.readAllBytes(file));
            }
            add(out, "META-INF/services/" + SampleAnalyzer.class.getName(),
                    (String.join("\n", services) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return jar;
    }

    private static void add(JarOutputStream out, String name, byte[] bytes) throws IOException {
        out.putNextEntry(new JarEntry(name));
        out.write(bytes);
        out.closeEntry();
    }

    /** Where the harvester's own classes are (target/classes under Maven), for the plugin to compile against. */
    private static String harvesterClasses() {
        try {
            return Path.of(SampleAnalyzer.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
