package io.tgharvester.api;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * An artifact body that runs a check before its first byte is read: whether it is a Threat Grid error envelope
 * served in the artifact's place. The check reads inside the transfer, so whatever cuts the transfer off (a stop,
 * {@link ArtifactStream#abort()}) cuts the check off too; it throws the {@link ApiException} the envelope stands for.
 */
final class EnvelopeCheckedBody extends FilterInputStream {
    interface Check {
        void run() throws IOException;
    }

    private Check pending;

    EnvelopeCheckedBody(InputStream body, Check check) {
        super(body);
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
            check.run();
        }
    }
}
