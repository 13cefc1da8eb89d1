package io.tgharvester.config;

import java.net.URI;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * How one connection reaches its server: directly, or through an HTTP or SOCKS proxy, with Basic credentials for an
 * HTTP proxy. {@code proxy} holds scheme, host and port only (credentials never stay in a URI that might be printed);
 * {@code source} says where the route came from (a configuration key, HTTPS_PROXY, NO_PROXY), for messages.
 */
public record ProxyRoute(Optional<URI> proxy, Optional<Credentials> credentials, String source) {
    /** Straight to the server, as no proxy setting asks otherwise. */
    public static final ProxyRoute DIRECT = new ProxyRoute(Optional.empty(), Optional.empty(), "no proxy configured");

    public ProxyRoute {
        Objects.requireNonNull(source, "source");
        if (proxy.isPresent() && proxy.get().getUserInfo() != null) {
            throw new IllegalArgumentException("a proxy URI must not hold credentials");
        }
    }

    /** Whether calls go through a SOCKS proxy rather than an HTTP one. */
    public boolean socks() {
        return proxy.map(p -> p.getScheme().toLowerCase(Locale.ROOT).startsWith("socks")).orElse(false);
    }

    /** Where calls go, for logs and messages: "direct" or the proxy's scheme, host and port, never credentials. */
    public String describe() {
        return proxy.map(p -> p.getScheme() + "://" + p.getHost() + ":" + p.getPort()
                + (credentials.isPresent() ? " with credentials" : "")).orElse("direct");
    }

    /** A user and password for an HTTP proxy's Basic authentication; {@link #toString()} shows the user only. */
    public record Credentials(String user, String password) {
        public Credentials {
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(password, "password");
        }

        @Override
        public String toString() {
            return "Credentials[user=" + user + ", password=redacted]";
        }
    }
}
