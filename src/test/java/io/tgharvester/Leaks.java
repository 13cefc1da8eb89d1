package io.tgharvester;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Finds a secret in files as raw bytes, so binary files (the H2 database) are searched too. */
public final class Leaks {
    private Leaks() {
    }

    /** The regular files under {@code dir}, plus {@code extra}, that contain {@code secret}. */
    public static List<Path> filesContaining(String secret, Path dir, List<Path> extra) throws IOException {
        byte[] needle = secret.getBytes(StandardCharsets.UTF_8);
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = Stream.concat(walk.filter(Files::isRegularFile), extra.stream().filter(Files::exists)).toList();
        }
        return files.stream().filter(file -> contains(read(file), needle)).toList();
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
