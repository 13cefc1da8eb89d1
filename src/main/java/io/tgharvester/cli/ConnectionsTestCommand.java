package io.tgharvester.cli;

import io.tgharvester.api.ApiUnavailable;
import io.tgharvester.api.AuthenticationFailed;
import io.tgharvester.api.ListPage;
import io.tgharvester.api.MalformedResponse;
import io.tgharvester.api.ProxyRefused;
import io.tgharvester.api.RateLimited;
import io.tgharvester.api.ServerNotTrusted;
import io.tgharvester.api.ThreatGridClient;
import io.tgharvester.config.ConfigException;
import io.tgharvester.config.ConnectionConfig;
import io.tgharvester.config.HarvesterConfig;
import io.tgharvester.config.Redaction;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/**
 * Asks each enabled connection's server for one page of at most one sample of the organization's list
 * ({@code org_only=True}, the call every harvest starts with), once, without the harvest's retries, and says per
 * connection whether that worked or what is wrong. Exit 0 when every connection answered; otherwise the exit code of
 * the first failure (2 configuration or proxy credentials, 3 key refused, 4 unreachable, unavailable or untrusted).
 */
@Command(name = "test", mixinStandardHelpOptions = true,
        description = {"Checks each enabled connection's key and its organization's sample list (org_only=True).",
                "One line per connection says what is wrong; exit 0 when all pass."})
final class ConnectionsTestCommand implements Callable<Integer> {
    /** How far back the test lists: any sample there shows which organization the key reads. */
    private static final Duration LOOK_BACK = Duration.ofDays(7);

    @ParentCommand
    private ConnectionsCommand parent;
    @Mixin
    private ConfigOptions config;
    @Mixin
    private ConnectionOption connection;

    @Override
    public Integer call() {
        HarvesterConfig cfg = config.load(parent.main);
        List<ConnectionConfig> chosen = connection.alias().map(alias -> List.of(cfg.connection(alias)))
                .orElse(cfg.connections());
        PrintWriter out = parent.main.out();
        int exitCode = 0;
        for (ConnectionConfig c : chosen) {
            String where = c.baseUrl() + ", " + c.proxy().describe();
            if (!c.enabled() && connection.alias().isEmpty()) {
                out.println(c.alias() + ": skipped, disabled (" + where + ")");
                continue;
            }
            try {
                out.println(c.alias() + ": ok (" + where + "): " + check(c, cfg));
            } catch (RuntimeException e) {
                out.println(c.alias() + ": FAILED, " + kind(e) + " (" + where + "): " + Redaction.redact(
                        e.getMessage() == null ? e.toString() : e.getMessage()));
                exitCode = exitCode == 0 ? ErrorReporter.exitCode(e) : exitCode;
            }
            out.flush();
        }
        return exitCode;
    }

    /** One list call without retries: what a harvest's first call would meet. */
    private static String check(ConnectionConfig c, HarvesterConfig cfg) {
        HarvesterConfig.CallRetries once = new HarvesterConfig.CallRetries(1, cfg.callRetries().base(),
                cfg.callRetries().maxWait());
        ThreatGridClient client = ThreatGridClient.connect(c, cfg.httpTimeout(), once, Optional.empty());
        Instant since = Clock.systemUTC().instant().minus(LOOK_BACK);
        ListPage page = client.listSamples(since, 1, 0);
        String sample = page.samples().stream().findFirst().map(s -> "; a listed sample belongs to organization "
                + s.organizationId().map(String::valueOf).orElse("(not given)")).orElse("; no sample in the last 7 days");
        return "the key is accepted and the organization's sample list (org_only=True) answers" + sample;
    }

    private static String kind(RuntimeException e) {
        if (e instanceof AuthenticationFailed) {
            return "key refused";
        }
        if (e instanceof ProxyRefused) {
            return "proxy refused";
        }
        if (e instanceof ServerNotTrusted) {
            return "certificate not trusted";
        }
        if (e instanceof ApiUnavailable && e.getMessage() != null && e.getMessage().startsWith("cannot reach")) {
            return "unreachable";
        }
        if (e instanceof ApiUnavailable || e instanceof RateLimited) {
            return "unavailable";
        }
        if (e instanceof MalformedResponse) {
            return "not a Threat Grid answer";
        }
        if (e instanceof ConfigException) {
            return "misconfigured";
        }
        return "error";
    }
}
