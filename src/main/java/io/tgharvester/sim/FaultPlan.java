package io.tgharvester.sim;

/**
 * How often the simulator misbehaves, per request: the faults a real service and network show, for reliability
 * tests and the soak. Each rate is a probability from 0 to 1; at most one fault hits a request.
 *
 * @param rateLimited  429 Too Many Requests, with Retry-After on every other one
 * @param serverError  500, 502 or 503
 * @param reset        the connection is closed without an answer
 * @param slow         the answer comes {@code slowMillis} late
 * @param truncated    an artifact body stops half way (its Content-Length promised more)
 * @param malformed    a JSON answer is cut off mid-document
 * @param error200     an error envelope (code 500, 502 or 503) with status 200, as some servers report errors
 * @param slowMillis   how late a slow answer comes
 * @param seed         seed of the per-request draws, so the same plan hits the same requests of a repeated run
 */
public record FaultPlan(double rateLimited, double serverError, double reset, double slow, double truncated,
                        double malformed, double error200, long slowMillis, long seed) {

    public static final FaultPlan NONE = new FaultPlan(0, 0, 0, 0, 0, 0, 0, 0);

    public FaultPlan {
        double total = rateLimited + serverError + reset + slow + truncated + malformed + error200;
        if (rateLimited < 0 || serverError < 0 || reset < 0 || slow < 0 || truncated < 0 || malformed < 0
                || error200 < 0 || total > 1) {
            throw new IllegalArgumentException("fault rates must be 0..1 and add up to at most 1");
        }
    }

    /** A plan without errors in 200 answers. */
    public FaultPlan(double rateLimited, double serverError, double reset, double slow, double truncated,
                     double malformed, long slowMillis, long seed) {
        this(rateLimited, serverError, reset, slow, truncated, malformed, 0, slowMillis, seed);
    }

    /** The same rate of every fault, 1 s slow answers. */
    public static FaultPlan uniform(double each, long seed) {
        return new FaultPlan(each, each, each, each, each, each, 1_000, seed);
    }

    enum Fault { NONE, RATE_LIMITED, SERVER_ERROR, RESET, SLOW, TRUNCATED, MALFORMED, ERROR_200 }

    /** Which fault, if any, a draw from [0, 1) lands on. */
    Fault pick(double draw) {
        double edge = rateLimited;
        if (draw < edge) {
            return Fault.RATE_LIMITED;
        }
        if (draw < (edge += serverError)) {
            return Fault.SERVER_ERROR;
        }
        if (draw < (edge += reset)) {
            return Fault.RESET;
        }
        if (draw < (edge += slow)) {
            return Fault.SLOW;
        }
        if (draw < (edge += truncated)) {
            return Fault.TRUNCATED;
        }
        if (draw < (edge += malformed)) {
            return Fault.MALFORMED;
        }
        return draw < edge + error200 ? Fault.ERROR_200 : Fault.NONE;
    }
}
