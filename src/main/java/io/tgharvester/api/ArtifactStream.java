package io.tgharvester.api;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * An artifact body being received; the caller streams {@link #body()} and must close it. {@link #abort()} may be
 * called from any thread to cut the transfer off: the reading thread then gets an IOException. When the server sent
 * an error envelope in the artifact's place, reading {@link #body()} throws the {@link ApiException} it stands for.
 *
 * @param declaredLength the body's Content-Length, when the server sent one
 * @param partial        present when the server answered 206: the bytes of the artifact the body holds
 */
public record ArtifactStream(InputStream body, OptionalLong declaredLength, Optional<ContentRange> partial,
                             Closeable connection, Runnable abort) implements Closeable {
    @Override
    public void close() throws IOException {
        connection.close();
    }
}
