package io.tgharvester.report;

import static io.tgharvester.report.ReportTable.column;

import io.tgharvester.api.States;
import io.tgharvester.report.ReportTable.Column;
import io.tgharvester.report.ReportTable.Kind;
import io.tgharvester.store.ReportQueries;
import io.tgharvester.store.ReportQueries.Ranked;
import io.tgharvester.store.ReportQueries.Submission;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * When the organization submits and how it turns out over time: submissions per day and per hour per login, final
 * states per day, a weekday by hour heatmap (all in the report's zone), the most submitted file types, and, once
 * analyses have been parsed, the most frequent IOCs and contacted domains.
 */
public record ActivityReport(ReportScope scope, List<Submission> submissions, Optional<List<Ranked>> magicTypes,
                             Optional<List<Ranked>> iocs, Optional<List<Ranked>> domains) {
    /** How many file types, IOCs and domains the top lists show. */
    public static final int TOP = 15;

    static final String NOT_AVAILABLE = "not available yet: no analysis.json has been parsed into %s (see"
            + " `tg-harvester reindex`)";

    /** A file name extension worth reporting: short and plain; anything else counts as having none. */
    private static final Pattern EXTENSION = Pattern.compile("[a-z0-9]{1,10}");

    public ActivityReport {
        submissions = List.copyOf(submissions);
    }

    public static ActivityReport load(ReportQueries queries, ReportScope scope) {
        return new ActivityReport(scope, queries.submissions(scope.window()),
                queries.topMagicTypes(scope.window(), TOP), queries.topIocs(scope.window(), TOP),
                queries.topDomains(scope.window(), TOP));
    }

    /** Counts by outcome in one time bucket (a day or an hour). */
    public record Outcomes(Instant start, long succeeded, long failed, long pending, long stale) {
        public long submissions() {
            return succeeded + failed + pending + stale;
        }

        Outcomes plus(String state) {
            return new Outcomes(start, succeeded + (States.SUCC.equals(state) ? 1 : 0),
                    failed + (States.FAIL.equals(state) ? 1 : 0),
                    pending + (States.isFinal(state) ? 0 : 1), stale + (States.STALE.equals(state) ? 1 : 0));
        }
    }

    /** A file type (name extension) and how its samples ended. */
    public record FileType(String extension, long samples, long succeeded, long failed) {
    }

    /** Samples that have a submission time; only those can be put in days and hours. */
    public List<Submission> timed() {
        return submissions.stream().filter(s -> s.submittedAt().isPresent()).toList();
    }

    public ZoneId zone() {
        return scope.zone();
    }

    Instant dayStart(Instant t) {
        return t.atZone(zone()).toLocalDate().atStartOfDay(zone()).toInstant();
    }

    Instant hourStart(Instant t) {
        return t.atZone(zone()).truncatedTo(ChronoUnit.HOURS).toInstant();
    }

    /** Outcomes per day from the first to the last day with a submission, days without any included. */
    public List<Outcomes> perDay() {
        List<Submission> timed = timed();
        if (timed.isEmpty()) {
            return List.of();
        }
        TreeMap<Instant, Outcomes> days = new TreeMap<>();
        LocalDate first = timed.get(0).submittedAt().orElseThrow().atZone(zone()).toLocalDate();
        LocalDate last = timed.get(timed.size() - 1).submittedAt().orElseThrow().atZone(zone()).toLocalDate();
        for (LocalDate day = first; !day.isAfter(last); day = day.plusDays(1)) {
            Instant start = day.atStartOfDay(zone()).toInstant();
            days.put(start, new Outcomes(start, 0, 0, 0, 0));
        }
        for (Submission s : timed) {
            days.compute(dayStart(s.submittedAt().orElseThrow()), (start, o) -> o.plus(s.state()));
        }
        return List.copyOf(days.values());
    }

    /** Outcomes per hour from the first to the last hour with a submission, for short windows' time series. */
    public List<Outcomes> perHour() {
        List<Submission> timed = timed();
        if (timed.isEmpty()) {
            return List.of();
        }
        TreeMap<Instant, Outcomes> hours = new TreeMap<>();
        ZonedDateTime last = timed.get(timed.size() - 1).submittedAt().orElseThrow().atZone(zone())
                .truncatedTo(ChronoUnit.HOURS);
        for (ZonedDateTime hour = timed.get(0).submittedAt().orElseThrow().atZone(zone())
                .truncatedTo(ChronoUnit.HOURS); !hour.isAfter(last); hour = hour.plusHours(1)) {
            hours.put(hour.toInstant(), new Outcomes(hour.toInstant(), 0, 0, 0, 0));
        }
        for (Submission s : timed) {
            hours.compute(hourStart(s.submittedAt().orElseThrow()), (start, o) -> o.plus(s.state()));
        }
        return List.copyOf(hours.values());
    }

    /** Submissions by weekday (0 = Monday) and hour of day in the report's zone. */
    public long[][] heatmap() {
        long[][] cells = new long[7][24];
        for (Submission s : timed()) {
            ZonedDateTime t = s.submittedAt().orElseThrow().atZone(zone());
            cells[t.getDayOfWeek().getValue() - 1][t.getHour()]++;
        }
        return cells;
    }

    /** The most submitted file types by name extension ({@code invoice.pdf.exe} is an exe), most first. */
    public List<FileType> fileTypes() {
        Map<String, long[]> counts = new HashMap<>();
        for (Submission s : submissions) {
            long[] c = counts.computeIfAbsent(extension(s.filename()), e -> new long[3]);
            c[0]++;
            c[1] += States.SUCC.equals(s.state()) ? 1 : 0;
            c[2] += States.FAIL.equals(s.state()) ? 1 : 0;
        }
        return counts.entrySet().stream()
                .map(e -> new FileType(e.getKey(), e.getValue()[0], e.getValue()[1], e.getValue()[2]))
                .sorted(Comparator.comparingLong(FileType::samples).reversed().thenComparing(FileType::extension))
                .limit(TOP).toList();
    }

    static String extension(Optional<String> filename) {
        String name = filename.orElse("");
        int slash = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
        name = name.substring(slash + 1);
        int dot = name.lastIndexOf('.');
        String extension = dot <= 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
        return EXTENSION.matcher(extension).matches() ? extension : "(none)";
    }

    /** Seconds from submission to result of every succeeded sample, for the distribution chart. */
    public List<Long> secondsToResult() {
        return submissions.stream().flatMap(s -> s.secondsToResult().stream()).toList();
    }

    public ReportDocument document() {
        List<ReportTable> tables = new ArrayList<>();
        tables.add(perUser("submissions_per_day", "Submissions per day and user", Kind.DAY, "day", true));
        tables.add(perUser("submissions_per_hour", "Submissions per hour and user", Kind.HOUR, "hour", false));
        tables.add(statesPerDay());
        tables.add(heatmapTable());
        tables.add(fileTypesTable());
        tables.add(ranked("top_magic_types", "Top magic types", "magic_type", "magic type", magicTypes,
                "analysis.magic_type"));
        tables.add(ranked("top_iocs", "Top IOCs", "ioc", "IOC", iocs, "iocs"));
        tables.add(ranked("top_domains", "Top contacted domains", "domain", "domain", domains, "domains"));
        return new ReportDocument("activity", "Threat Grid submission activity", scope, tables);
    }

    private ReportTable perUser(String name, String title, Kind kind, String label, boolean byDay) {
        // bucket start, then login (null last), in order
        TreeMap<Instant, TreeMap<String, Long>> buckets = new TreeMap<>();
        Comparator<String> logins = Comparator.nullsLast(Comparator.naturalOrder());
        for (Submission s : timed()) {
            Instant t = s.submittedAt().orElseThrow();
            buckets.computeIfAbsent(byDay ? dayStart(t) : hourStart(t), b -> new TreeMap<>(logins))
                    .merge(s.login().orElse(null), 1L, Long::sum);
        }
        List<List<Object>> rows = new ArrayList<>();
        buckets.forEach((start, counts) -> counts.forEach((login, n) -> rows.add(Arrays.asList(start, login, n))));
        return ReportTable.of(name, title, List.of(column(label, label, kind), column("login", "login", Kind.LOGIN),
                column("submissions", "submissions", Kind.COUNT)), rows);
    }

    private ReportTable statesPerDay() {
        List<List<Object>> rows = new ArrayList<>();
        for (Outcomes day : perDay()) {
            rows.add(List.of(day.start(), day.submissions(), day.succeeded(), day.failed(), day.pending(),
                    day.stale()));
        }
        return ReportTable.of("states_per_day", "Final states per day", List.of(column("day", "day", Kind.DAY),
                column("submissions", "submissions", Kind.COUNT), column("succeeded", "succeeded", Kind.COUNT),
                column("failed", "failed", Kind.COUNT), column("pending", "pending", Kind.COUNT),
                column("stale", "stale", Kind.COUNT)), rows);
    }

    private ReportTable heatmapTable() {
        List<Column> columns = new ArrayList<>();
        columns.add(column("weekday", "weekday", Kind.TEXT));
        for (int hour = 0; hour < 24; hour++) {
            String h = String.format(Locale.ROOT, "%02d", hour);
            columns.add(column(h, h, Kind.COUNT));
        }
        columns.add(column("total", "total", Kind.COUNT));
        long[][] cells = heatmap();
        List<List<Object>> rows = new ArrayList<>();
        for (int day = 0; day < 7; day++) {
            List<Object> row = new ArrayList<>();
            row.add(DayOfWeek.of(day + 1).getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
            long total = 0;
            for (long n : cells[day]) {
                row.add(n);
                total += n;
            }
            row.add(total);
            rows.add(row);
        }
        return ReportTable.of("weekday_hour_heatmap", "Submissions by weekday and hour (" + zone().getId() + ")",
                columns, rows);
    }

    private ReportTable fileTypesTable() {
        long all = submissions.size();
        List<List<Object>> rows = new ArrayList<>();
        for (FileType type : fileTypes()) {
            rows.add(List.of(type.extension(), type.samples(), Math.round(1000.0 * type.samples() / all) / 10.0,
                    type.succeeded(), type.failed()));
        }
        return ReportTable.of("top_file_types", "Top file types (by file name extension)", List.of(
                column("extension", "extension", Kind.TEXT), column("samples", "samples", Kind.COUNT),
                column("share_percent", "share %", Kind.PERCENT), column("succeeded", "succeeded", Kind.COUNT),
                column("failed", "failed", Kind.COUNT)), rows);
    }

    private static ReportTable ranked(String name, String title, String key, String label,
                                      Optional<List<Ranked>> values, String needs) {
        List<Column> columns = List.of(column(key, label, Kind.TEXT), column("samples", "samples", Kind.COUNT));
        if (values.isEmpty()) {
            return ReportTable.unavailable(name, title, columns, NOT_AVAILABLE.formatted(needs));
        }
        List<List<Object>> rows = values.get().stream().map(r -> List.<Object>of(r.name(), r.samples())).toList();
        return ReportTable.of(name, title, columns, rows);
    }
}
