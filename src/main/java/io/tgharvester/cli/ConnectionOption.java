package io.tgharvester.cli;

import java.util.Optional;
import picocli.CommandLine.Option;

/** {@code --connection ALIAS}: the one connection (organization or cloud) a command works with. */
final class ConnectionOption {
    @Option(names = "--connection", paramLabel = "ALIAS",
            description = "Only this connection: default (tg.api-key, tg.base-url) or a tg.connections.<alias>.")
    String alias;

    Optional<String> alias() {
        return Optional.ofNullable(alias);
    }
}
