package io.tgharvester.api;

import java.io.FilterInputStream;
import java.io.IOException;
import okio.BufferedSource;

/**
 * An artifact body that runs a check before its first byte is read: whether it is a Threat Grid error envelope
 * served in the artifact's place. The check reads inside the transfer, so whatever cuts the transfer off (a stop,
 * {@link ArtifactStream#abort()}) cuts the check off too; it throws the {@link ApiException} the envelope stands for.
 * A transfer cut while the check read ahead is no envelope anyone can tell: the bytes that came are read first and
 * the cut is thrown after them, so the download can resume from there as from any other cut.
 */
final class EnvelopeCheckedBody extends FilterInputStream {
    interface Check {
        void run() throws IOException;
    }

    private final BufferedSource source;
    private Check pending;
    private IOException cutAfterBuffered;

    EnvelopeCheckedBody(BufferedSource source, Check check) {
        super(source.inputStream());
        this.source = source;
        this.pending = check;
    }

    @Override
    public int read() throws IOException {
        checkOnce();
        return super.read();
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        checkOnce();
        return super.read(buffer, offset, length);
    }

    @Override
    public long skip(long n) throws IOException {
        checkOnce();
        return super.skip(n);
    }

    private void checkOnce() throws IOException {
        Check check = pending;
        pending = null;
        if (check != null) {
            try {
                check.run();
            } catch (IOException cut) {
                cutAfterBuffered = cut;
            }
        }
        if (cutAfterBuffered != null && source.getBuffer().size() == 0) {
            throw cutAfterBuffered;
        }
    }
}
