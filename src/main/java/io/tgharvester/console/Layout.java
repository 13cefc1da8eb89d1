package io.tgharvester.console;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The frame of every console page: its head, the navigation, and a footer; style and script are files of ours. */
final class Layout {
    /** The sections the navigation leads to. */
    enum Section {
        OVERVIEW("Overview", Links.OVERVIEW), SAMPLES("Samples", Links.SAMPLES), USERS("Users", Links.USERS),
        FIND("Find", Links.FIND);

        private final String label;
        private final String path;

        Section(String label, String path) {
            this.label = label;
            this.path = path;
        }
    }

    /** Seconds between two reloads of a page that asks for it (the overview), done by console.js. */
    static final int REFRESH_SECONDS = 30;

    private Layout() {
    }

    /** A whole page; {@code refresh} has the browser reload it every {@link #REFRESH_SECONDS}. */
    static Markup page(Optional<Section> current, String title, Markup body, boolean refresh) {
        return Markup.of("""
                <!DOCTYPE html>
                <html lang="en">
                <head>
                <meta charset="utf-8">
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <meta name="referrer" content="no-referrer">
                <title>%s \u00b7 tg-harvester</title>
                <link rel="stylesheet" href="/static/console.css">
                <script src="/static/console.js" defer></script>
                </head>
                <body%s>
                %s<main>
                <h1>%s</h1>
                %s</main>
                <footer>tg-harvester console \u00b7 a read-only view of the harvest \u00b7 times in UTC</footer>
                </body>
                </html>
                """, title, refresh ? Markup.of(" data-refresh=\"%s\"", REFRESH_SECONDS) : Markup.EMPTY,
                navigation(current), title, body);
    }

    /** The navigation bar, on its own for pages the console shows in their own frame (the users report). */
    static Markup navigation(Optional<Section> current) {
        List<Markup> links = new ArrayList<>();
        for (Section section : Section.values()) {
            links.add(Markup.of("<a href=\"%s\"%s>%s</a>", section.path,
                    current.filter(section::equals).isPresent() ? Markup.of(" aria-current=\"page\"") : Markup.EMPTY,
                    section.label));
        }
        return Markup.of("<link rel=\"stylesheet\" href=\"/static/nav.css\">\n"
                + "<nav class=\"console-nav\"><span class=\"brand\">tg-harvester</span>%s</nav>\n",
                Markup.join(links));
    }

    /** A titled part of a page. */
    static Markup card(String heading, Markup content) {
        return Markup.of("<section class=\"card\">\n<h2>%s</h2>\n%s</section>\n", heading, content);
    }

    static Markup note(String text) {
        return Markup.of("<p class=\"note\">%s</p>\n", text);
    }
}
