package io.tgharvester.cli;

import io.tgharvester.api.ApiException;
import io.tgharvester.api.AuthenticationFailed;
import io.tgharvester.api.ProxyRefused;
import io.tgharvester.config.ConfigException;
import io.tgharvester.config.Redaction;
import io.tgharvester.store.StoreException;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/** Turns a failed command into one clear line on stderr and a documented exit code. */
final class ErrorReporter implements IExecutionExceptionHandler {
    static final int UNEXPECTED = 1;
    static final int CONFIG = 2;
    static final int AUTH = 3;
    static final int API = 4;
    static final int LOCAL = 5;

    @Override
    public int handleExecutionException(Exception e, CommandLine cli, ParseResult parsed) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        cli.getErr().println("tg-harvester: " + Redaction.redact(message));
        cli.getErr().flush();
        return exitCode(e);
    }

    static int exitCode(Exception e) {
        if (e instanceof AuthenticationFailed) {
            return AUTH;
        }
        if (e instanceof ProxyRefused) {
            return CONFIG;
        }
        if (e instanceof ApiException) {
            return API;
        }
        if (e instanceof ConfigException || e instanceof IllegalArgumentException) {
            return CONFIG;
        }
        if (e instanceof StoreException || e instanceof UncheckedIOException) {
            return LOCAL;
        }
        return UNEXPECTED;
    }
}
