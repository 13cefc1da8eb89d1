package io.tgharvester.api;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.OptionalLong;

/** An artifact body being received; the caller streams {@link #body()} and must close it. */
public record ArtifactStream(InputStream body, OptionalLong declaredLength, Closeable connection) implements Closeable {
    @Override
    public void close() throws IOException {
        connection.close();
    }
}
