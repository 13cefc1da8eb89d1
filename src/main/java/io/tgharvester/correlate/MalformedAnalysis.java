package io.tgharvester.correlate;

/** An analysis.json or processes.json that is not the JSON it should be: truncated, not an object, bad syntax. */
public final class MalformedAnalysis extends Exception {
    public MalformedAnalysis(String message, Throwable cause) {
        super(message, cause);
    }

    public MalformedAnalysis(String message) {
        super(message);
    }
}
