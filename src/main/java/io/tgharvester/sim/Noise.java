package io.tgharvester.sim;

import java.util.Base64;
import java.util.SplittableRandom;

/**
 * Filler for padded artifacts, cheap enough that serving a backlog costs the simulator little beside its clients:
 * consecutive slices of one random block made once, starting at a place the seed picks, so the same seed always
 * gives the same bytes.
 */
final class Noise {
    private static final int BLOCK = 16 << 20;

    /** Made on first use only: compact artifacts never need it. Never written after. */
    private static final class Block {
        static final byte[] RAW = random();
        static final byte[] BASE64 = Base64.getEncoder().encode(RAW);

        private static byte[] random() {
            byte[] bytes = new byte[BLOCK];
            new SplittableRandom(0x5EED).nextBytes(bytes);
            return bytes;
        }
    }

    private long position;

    Noise(long seed) {
        position = new SplittableRandom(seed).nextInt(BLOCK);
    }

    /** The next {@code length} random bytes. */
    byte[] bytes(int length) {
        return slice(Block.RAW, length);
    }

    /** The next {@code length} characters of base64 text, as ASCII bytes. */
    byte[] base64(int length) {
        return slice(Block.BASE64, length);
    }

    private byte[] slice(byte[] block, int length) {
        byte[] out = new byte[length];
        int done = 0;
        while (done < length) {
            int from = (int) (position % block.length);
            int n = Math.min(length - done, block.length - from);
            System.arraycopy(block, from, out, done, n);
            done += n;
            position += n;
        }
        return out;
    }
}
