package io.tgharvester.console;

import io.tgharvester.config.ConsoleToken;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Who may use the console. With harvester.console.token set, a request must carry it as a bearer token or carry the
 * session cookie the login form sets for it. Without one the console listens on loopback only, and answers only
 * requests addressed to a loopback name: a web page that points a name of its own at 127.0.0.1 (DNS rebinding)
 * still cannot read the harvest through a visitor's browser.
 */
final class ConsoleAccess {
    static final String COOKIE = "tg_console";
    private static final Pattern BEARER = Pattern.compile("(?i)bearer\\s+(\\S+)\\s*");
    private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-f:.]{2,45}");

    private final Optional<ConsoleToken> token;
    private final Optional<String> session;

    ConsoleAccess(Optional<ConsoleToken> token) {
        this.token = token;
        this.session = token.map(ConsoleAccess::sessionOf);
    }

    boolean tokenRequired() {
        return token.isPresent();
    }

    /** Whether the request may read the console. */
    boolean admits(Request request) {
        if (token.isEmpty()) {
            return request.host().map(ConsoleAccess::loopbackName).orElse(true);
        }
        Optional<String> bearer = request.authorization().map(BEARER::matcher).filter(Matcher::matches)
                .map(m -> m.group(1));
        if (bearer.isPresent() && token.get().matches(bearer.get())) {
            return true;
        }
        String cookie = request.cookies().get(COOKIE);
        return cookie != null && MessageDigest.isEqual(cookie.getBytes(StandardCharsets.UTF_8),
                session.orElseThrow().getBytes(StandardCharsets.UTF_8));
    }

    /** Whether {@code typed} (the login form's field) is the token. */
    boolean accepts(String typed) {
        return token.map(t -> t.matches(typed)).orElse(false);
    }

    /**
     * The session cookie, a keyed hash of the token rather than the token: it opens only this console, and changing
     * the token ends every session.
     */
    String sessionCookie() {
        return COOKIE + "=" + session.orElseThrow() + "; Path=/; HttpOnly; SameSite=Strict";
    }

    private static String sessionOf(ConsoleToken token) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(token.reveal(), "HmacSHA256"));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(
                    mac.doFinal("tg-harvester console session".getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }

    /** A Host header naming this machine's loopback: localhost, 127.x.x.x or [::1], with or without a port. */
    static boolean loopbackName(String hostHeader) {
        String host = hostHeader.strip().toLowerCase(Locale.ROOT);
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            String literal = end > 0 ? host.substring(1, end) : "";
            return IPV6.matcher(literal).matches() && loopbackLiteral(literal);
        }
        int colon = host.lastIndexOf(':');
        String name = colon < 0 ? host : host.substring(0, colon);
        return name.equals("localhost") || name.endsWith(".localhost")
                || (IPV4.matcher(name).matches() && loopbackLiteral(name));
    }

    /** An IP address literal (never a name to look up) on loopback. */
    private static boolean loopbackLiteral(String literal) {
        try {
            return InetAddress.getByName(literal).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
