package io.tgharvester.api;

import com.squareup.moshi.Json;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Threat Grid's JSON envelopes. Items stay generic here and are mapped one by one, so that one bad item
 * never costs the rest of a page. Public only because Moshi binds records reflectively.
 */
public final class WireTypes {
    private WireTypes() {
    }

    /** Any JSON answer: an {@code error} object in it makes it an error, whatever its HTTP status and data say. */
    interface Enveloped {
        ErrorBody error();
    }

    public record ListEnvelope(Map<String, Object> data, ErrorBody error) implements Enveloped {
    }

    public record StateEnvelope(List<Object> data, ErrorBody error) implements Enveloped {
    }

    public record ErrorEnvelope(@Json(name = "api_version") Object apiVersion, ErrorBody error) implements Enveloped {
    }

    public record ErrorBody(Double code, String message, List<ErrorDetail> errors) {
        /** {@code message} and the distinct {@code errors[].message} beside it, in one line. */
        String text() {
            Stream<String> details = errors == null ? Stream.empty()
                    : errors.stream().filter(Objects::nonNull).map(ErrorDetail::message);
            String text = Stream.concat(Stream.of(message), details)
                    .filter(m -> m != null && !m.isBlank())
                    .map(m -> m.strip().replaceAll("\\s+", " "))
                    .distinct()
                    .collect(Collectors.joining("; "));
            return text.isEmpty() ? "no message" : text;
        }
    }

    public record ErrorDetail(String message) {
    }
}
