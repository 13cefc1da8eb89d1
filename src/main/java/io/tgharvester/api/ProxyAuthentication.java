package io.tgharvester.api;

import io.tgharvester.config.ProxyRoute;
import java.io.IOException;
import okhttp3.Authenticator;
import okhttp3.Credentials;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.Route;

/**
 * Basic credentials for an HTTP proxy. Headers set by interceptors never reach a CONNECT tunnel, so the credentials
 * go through OkHttp's proxy authenticator, which it asks before opening a tunnel (a preemptive challenge,
 * {@code OkHttp-Preemptive}) and again after a real 407. A real 407 ends the call with {@link Refused}: no credentials
 * configured, or the proxy refused those it was sent, which sending again cannot change.
 */
final class ProxyAuthentication implements Authenticator {
    private static final String PREEMPTIVE = "OkHttp-Preemptive";

    private final ProxyRoute route;

    ProxyAuthentication(ProxyRoute route) {
        this.route = route;
    }

    @Override
    public Request authenticate(Route okRoute, Response response) throws IOException {
        if (PREEMPTIVE.equalsIgnoreCase(response.header("Proxy-Authenticate"))) {
            return route.credentials().map(c -> response.request().newBuilder()
                    .header("Proxy-Authorization", Credentials.basic(c.user(), c.password())).build()).orElse(null);
        }
        String proxy = route.describe().replace(" with credentials", "");
        if (route.credentials().isEmpty()) {
            throw new Refused("the proxy " + proxy + " (from " + route.source() + ") asks for credentials (HTTP 407"
                    + challenge(response) + "): set harvester.proxy-credentials-file (or a connection's"
                    + " proxy-credentials-file) to a file holding user:password");
        }
        throw new Refused("the proxy " + proxy + " (from " + route.source() + ") refused the credentials of user "
                + route.credentials().get().user() + " (HTTP 407" + challenge(response) + "): check the proxy"
                + " credentials file or value");
    }

    /** The scheme the proxy asked for, such as Basic; never anything the harvester sent. */
    private static String challenge(Response response) {
        String header = response.header("Proxy-Authenticate");
        return header == null || header.isBlank() ? "" : ", it asks for " + header.strip().split("\\s+")[0];
    }

    /** The proxy answered 407; carried out of OkHttp as the IOException an authenticator may throw. */
    static final class Refused extends IOException {
        Refused(String message) {
            super(message);
        }
    }
}
