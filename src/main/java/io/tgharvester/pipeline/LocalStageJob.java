package io.tgharvester.pipeline;

/**
 * The job of a stage that calls no server and serves every connection (parse, analyze): it runs through the
 * harvester's runner of such stages rather than a connection's.
 */
abstract class LocalStageJob extends StageJob {
    @Override
    final StageRunner runner(Harvester harvester, String connection) {
        return harvester.localRunner();
    }
}
