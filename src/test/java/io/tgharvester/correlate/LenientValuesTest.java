package io.tgharvester.correlate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.squareup.moshi.JsonReader;
import java.io.IOException;
import java.time.Instant;
import java.util.Optional;
import okio.Buffer;
import org.junit.jupiter.api.Test;

/** The forms a report's time comes in, each read to the same instant, and what is no time read as none. */
class LenientValuesTest {
    private static final Instant T = Instant.parse("2022-12-21T12:10:16Z");

    @Test
    void everyFormOfATimeReadsToItsInstant() throws IOException {
        assertEquals(Optional.of(T), time("1671624616"));
        assertEquals(Optional.of(T), time("\"1671624616\""));
        assertEquals(Optional.of(T.plusMillis(500)), time("1671624616.5"));
        assertEquals(Optional.of(T), time("\"2022-12-21T12:10:16Z\""));
        assertEquals(Optional.of(T), time("\"Wed, 21 Dec 2022 12:10:16 UTC\""));
        assertEquals(Optional.of(T), time("\"Wed, 21 Dec 2022 12:10:16 GMT\""));
        assertEquals(Optional.of(T), time("\"21 Dec 2022 12:10:16 GMT\""), "RFC 1123 without the day's name");
    }

    @Test
    void whatIsNoTimeIsNone() throws IOException {
        assertEquals(Optional.empty(), time("\"soon\""));
        assertEquals(Optional.empty(), time("\"12:10\""));
        assertEquals(Optional.empty(), time("\"\""));
        assertEquals(Optional.empty(), time("null"));
        assertEquals(Optional.empty(), time("{\"at\": 1}"));
        assertEquals(Optional.empty(), time("\"NaN\""));
    }

    private static Optional<Instant> time(String json) throws IOException {
        return LenientValues.epochSeconds(JsonReader.of(new Buffer().writeUtf8(json)));
    }
}
