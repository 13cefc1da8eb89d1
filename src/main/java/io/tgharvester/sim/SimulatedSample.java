package io.tgharvester.sim;

import java.time.Instant;
import java.util.List;

/**
 * One sample of the simulated organization with its whole future: when it enters each state (whole seconds), how it
 * ends, which artifacts it will have and what its analysis finds. {@code login} is null for samples submitted
 * without one, as Threat Grid reports them. The list API's {@code started_at} is {@code prepAt}, when the sample
 * leaves {@code wait}.
 */
public record SimulatedSample(
        String id,
        long submissionId,
        String login,
        String filename,
        String md5,
        String sha1,
        String sha256,
        List<String> tags,
        String vm,
        String os,
        Instant submittedAt,
        Instant prepAt,
        Instant runAt,
        Instant procAt,
        Instant completedAt,
        String finalState,
        boolean hasVideo,
        boolean hasPcap,
        SimulatedAnalysis analysis) {

    public SimulatedSample {
        tags = List.copyOf(tags);
    }

    /** wait, prep, run, proc, then {@link #finalState()} from {@link #completedAt()} on. */
    public String stateAt(Instant now) {
        if (now.isBefore(prepAt)) {
            return "wait";
        }
        if (now.isBefore(runAt)) {
            return "prep";
        }
        if (now.isBefore(procAt)) {
            return "run";
        }
        return now.isBefore(completedAt) ? "proc" : finalState;
    }

    /** The URLs its analysis reports HTTP requests to, as Threat Grid writes them (port included). */
    public List<String> urls() {
        return Traffic.of(this).stream().map(Traffic.Session::decoded).filter(Traffic.HttpGet.class::isInstance)
                .map(get -> ((Traffic.HttpGet) get).url()).toList();
    }

    /** Threat Grid's coarser {@code status} beside the state. */
    public String statusAt(Instant now) {
        return switch (stateAt(now)) {
            case "wait" -> "pending";
            case "prep", "run", "proc" -> "analyzing_sample";
            case "succ" -> "job_done";
            default -> "job_failed";
        };
    }
}
