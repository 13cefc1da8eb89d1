package io.tgharvester.config;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Decides each connection's {@link ProxyRoute}. A proxy key (the connection's {@code .proxy}, else
 * {@code harvester.proxy}) wins: a URL, or {@code direct}. Without one the environment decides as curl reads it:
 * HTTPS_PROXY (https_proxy) for an https base URL, HTTP_PROXY (http_proxy) for an http one, unless NO_PROXY
 * (no_proxy) names the host. Credentials for an HTTP proxy come from a file or a value holding {@code user:password},
 * else from the user info of the proxy URL (common in HTTPS_PROXY). Messages never repeat a proxy URL as given, since
 * it may hold a password.
 */
final class ProxyRoutes {
    /** curl's default proxy port. */
    static final int DEFAULT_PORT = 1080;
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private ProxyRoutes() {
    }

    /**
     * @param key         the proxy key in force, for messages
     * @param value       its value; blank when no proxy key is set
     * @param credentials what the credentials keys set (file or value), if anything
     */
    static ProxyRoute resolve(String key, String value, Optional<ProxyRoute.Credentials> credentials, URI baseUrl,
                              Map<String, String> environment) {
        String text = value.strip();
        if (text.equalsIgnoreCase("direct")) {
            return new ProxyRoute(Optional.empty(), Optional.empty(), key + "=direct");
        }
        if (!text.isEmpty()) {
            return route(key, text, credentials);
        }
        boolean https = "https".equalsIgnoreCase(baseUrl.getScheme());
        for (String name : https ? new String[] {"HTTPS_PROXY", "https_proxy"} : new String[] {"HTTP_PROXY",
                "http_proxy"}) {
            String fromEnvironment = environment.getOrDefault(name, "").strip();
            if (fromEnvironment.isEmpty()) {
                continue;
            }
            if (noProxy(baseUrl.getHost(), environment)) {
                return new ProxyRoute(Optional.empty(), Optional.empty(), "NO_PROXY names " + baseUrl.getHost());
            }
            return route(name, fromEnvironment.contains("://") ? fromEnvironment : "http://" + fromEnvironment,
                    credentials);
        }
        return ProxyRoute.DIRECT;
    }

    private static ProxyRoute route(String source, String text, Optional<ProxyRoute.Credentials> credentials) {
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new ConfigException(source + " is not a proxy URL such as http://proxy.example:3128 or"
                    + " socks5://proxy.example:1080, nor direct");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.getHost() == null || !(scheme.equals("http") || scheme.startsWith("socks"))) {
            throw new ConfigException(source + " is not a proxy URL such as http://proxy.example:3128 or"
                    + " socks5://proxy.example:1080, nor direct" + (scheme.equals("https")
                    ? " (a TLS connection to the proxy itself is not supported; the tunnel through an http:// proxy"
                    + " to Threat Grid is TLS all the same)" : ""));
        }
        Optional<ProxyRoute.Credentials> chosen = credentials.or(() -> userInfo(source, uri.getRawUserInfo()));
        if (scheme.startsWith("socks") && chosen.isPresent()) {
            throw new ConfigException(source + ": credentials are supported for HTTP proxies (Basic), not for SOCKS");
        }
        URI bare = URI.create(scheme + "://" + (uri.getHost().contains(":") && !uri.getHost().startsWith("[")
                ? "[" + uri.getHost() + "]" : uri.getHost()) + ":" + (uri.getPort() > 0 ? uri.getPort() : DEFAULT_PORT));
        return new ProxyRoute(Optional.of(bare), chosen, source);
    }

    private static Optional<ProxyRoute.Credentials> userInfo(String source, String rawUserInfo) {
        if (rawUserInfo == null || rawUserInfo.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(credentials(source, URLDecoder.decode(rawUserInfo.replace("+", "%2B"),
                StandardCharsets.UTF_8)));
    }

    /** {@code user:password}, the form of curl's --proxy-user and of a proxy URL's user info. */
    static ProxyRoute.Credentials credentials(String source, String text) {
        String line = text.strip();
        int colon = line.indexOf(':');
        if (colon <= 0) {
            throw new ConfigException(source + " must hold user:password");
        }
        return new ProxyRoute.Credentials(line.substring(0, colon), line.substring(colon + 1));
    }

    /** The first line of {@code file}, as {@code user:password}. */
    static ProxyRoute.Credentials credentialsFile(String key, Path file) {
        try {
            String content = Files.readString(file, StandardCharsets.UTF_8);
            return credentials(key + " (" + file + ")", content.lines().findFirst().orElse(""));
        } catch (IOException e) {
            throw new ConfigException("cannot read " + key + " " + file + ": " + e.getMessage());
        }
    }

    /**
     * Whether NO_PROXY (or no_proxy) names {@code host}, as curl reads it: comma-separated entries, {@code *} for
     * every host, a name matching itself and its subdomains (a leading dot is ignored), an address or an address range
     * in CIDR notation (10.0.0.0/8) matching addresses.
     */
    static boolean noProxy(String host, Map<String, String> environment) {
        String list = environment.getOrDefault("NO_PROXY", environment.getOrDefault("no_proxy", ""));
        String name = stripBrackets(host.toLowerCase(Locale.ROOT));
        return Arrays.stream(list.split(",")).map(e -> stripBrackets(e.strip().toLowerCase(Locale.ROOT)))
                .filter(e -> !e.isEmpty())
                .anyMatch(entry -> entry.equals("*") || matches(name, entry.startsWith(".") ? entry.substring(1)
                        : entry));
    }

    private static boolean matches(String host, String entry) {
        if (entry.contains("/")) {
            return inRange(host, entry);
        }
        return host.equals(entry) || (!isAddress(host) && host.endsWith("." + entry));
    }

    private static boolean inRange(String host, String cidr) {
        String[] parts = cidr.split("/", 2);
        if (!isAddress(host) || !isAddress(parts[0])) {
            return false;
        }
        try {
            byte[] address = InetAddress.getByName(host).getAddress();
            byte[] network = InetAddress.getByName(parts[0]).getAddress();
            int bits = Integer.parseInt(parts[1]);
            if (address.length != network.length || bits < 0 || bits > address.length * 8) {
                return false;
            }
            int shift = address.length * 8 - bits;
            return new BigInteger(1, address).shiftRight(shift).equals(new BigInteger(1, network).shiftRight(shift));
        } catch (UnknownHostException | NumberFormatException e) {
            return false;
        }
    }

    /** An address literal (never a name, so that no lookup is ever made here). */
    private static boolean isAddress(String text) {
        return IPV4.matcher(text).matches() || text.contains(":");
    }

    private static String stripBrackets(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }
}
