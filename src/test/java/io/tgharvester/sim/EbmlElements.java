package io.tgharvester.sim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** Reads EBML (Matroska, WebM) elements: ids with their length marker kept, sizes as variable-length integers. */
final class EbmlElements {
    record Element(long id, byte[] data) {
        List<Element> children() {
            return read(data);
        }

        Optional<Element> child(long childId) {
            return children().stream().filter(e -> e.id() == childId).findFirst();
        }

        String text() {
            return new String(data, StandardCharsets.US_ASCII);
        }
    }

    private EbmlElements() {
    }

    static List<Element> read(byte[] bytes) {
        List<Element> elements = new ArrayList<>();
        int at = 0;
        while (at < bytes.length) {
            int idLength = length(bytes[at]);
            long id = value(bytes, at, idLength, false);
            at += idLength;
            int sizeLength = length(bytes[at]);
            long size = value(bytes, at, sizeLength, true);
            at += sizeLength;
            assertTrue(at + size <= bytes.length, "element 0x" + Long.toHexString(id) + " fits its parent");
            elements.add(new Element(id, Arrays.copyOfRange(bytes, at, at + (int) size)));
            at += (int) size;
        }
        return elements;
    }

    /** A variable-length integer's length is one plus the number of leading zero bits of its first byte. */
    private static int length(byte first) {
        int length = Integer.numberOfLeadingZeros(first & 0xFF) - 23;
        assertTrue(length >= 1 && length <= 8, "a valid EBML length marker");
        return length;
    }

    private static long value(byte[] bytes, int at, int length, boolean dropMarker) {
        long value = dropMarker ? bytes[at] & (0xFF >>> length) : bytes[at] & 0xFF;
        for (int i = 1; i < length; i++) {
            value = value << 8 | (bytes[at + i] & 0xFF);
        }
        return value;
    }
}
