package io.tgharvester.pipeline;

import io.tgharvester.config.ConnectionConfig;

/**
 * A stage of one connection, named for it in logs and in job_runs ({@code fetch:eu}); the default connection's stages
 * keep their plain names (fetch, state, download).
 */
record ConnectionStage(Stage stage, String connection) implements Stage {
    @Override
    public String name() {
        return ConnectionConfig.stageName(stage.name(), connection);
    }

    @Override
    public int run() {
        return stage.run();
    }

    @Override
    public void stop() {
        stage.stop();
    }
}
