package io.tgharvester.correlate;

import java.time.Instant;
import java.util.Optional;

/** The rows one analysis yields, one record per correlation table. */
public final class CorrelationRows {
    private CorrelationRows() {
    }

    /** One row of {@code analysis}: the report's verdict and sandbox run. */
    public record Summary(Optional<Integer> threatScore, Optional<Integer> heuristicScore,
            Optional<Integer> maxSeverity, Optional<String> vm, Optional<Instant> analysisStart,
            Optional<Instant> analysisEnd, Optional<Integer> durationSeconds, Optional<String> fileType,
            Optional<String> magicType, int behaviourCount) {
    }

    /** {@code category} and {@code tags} hold JSON array text. */
    public record Ioc(String ioc, Optional<String> title, Optional<String> category, Optional<String> tags,
            Optional<Integer> severity, Optional<Integer> confidence, Optional<Integer> hits) {
    }

    public record NetworkFlow(Optional<String> srcIp, Optional<Integer> srcPort, Optional<String> dstIp,
            Optional<Integer> dstPort, Optional<String> transport, Optional<String> protocol,
            Optional<Long> bytesOrig, Optional<Long> bytesResp, Optional<Instant> startedAt,
            Optional<Instant> endedAt) {
    }

    /** {@code domain} is lower case; {@code resolvedIps} comma-separated. */
    public record Domain(String domain, Optional<String> resolvedIps) {
    }

    /** An HTTP request: its URL, method, requested host (lower case) and the status of its response. */
    public record Url(String url, Optional<String> method, Optional<String> host, Optional<Integer> status) {
    }

    /** Hashes are lower-case hex; {@code relation} is JSON text of the relation members that have a value. */
    public record ArtifactHash(Optional<String> path, Optional<String> sha256, Optional<String> md5,
            Optional<String> sha1, Optional<Long> size, Optional<String> magicType, Optional<String> relation,
            Optional<String> origin) {
    }

    public record Process(String processKey, Optional<Integer> pid, Optional<Integer> ppid, Optional<String> name,
            Optional<String> image, Optional<String> commandLine, Optional<String> analyzedBecause,
            Optional<Instant> startedAt) {
    }

    public record RegistryKey(Optional<Integer> pid, String keyPath, String operation) {
    }
}
