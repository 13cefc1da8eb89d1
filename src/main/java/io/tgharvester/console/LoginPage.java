package io.tgharvester.console;

import java.util.Optional;

/** The form that takes harvester.console.token once and leaves a session cookie, for browsers. */
final class LoginPage {
    private LoginPage() {
    }

    static Markup render(String next, boolean refused) {
        Markup body = Markup.of("""
                %s<form class="login" method="post" action="%s">
                <input type="hidden" name="next" value="%s">
                <label>console token <input type="password" name="token" autocomplete="current-password" autofocus>
                </label>
                <button type="submit">Open the console</button>
                </form>
                <p class="note">The token is harvester.console.token of the harvester's configuration. Scripts and
                Prometheus send it as <code>Authorization: Bearer \u2026</code> instead.</p>
                """, refused ? Markup.of("<p class=\"error\">That is not the console's token.</p>\n") : Markup.EMPTY,
                Links.LOGIN, next);
        return Layout.page(Optional.empty(), "Log in", body, false);
    }

    /** Where to go after logging in: a path of this console only, never another site. */
    static String safeNext(Optional<String> next) {
        return next.filter(path -> path.startsWith("/") && !path.startsWith("//") && !path.contains("\\"))
                .orElse(Links.OVERVIEW);
    }
}
