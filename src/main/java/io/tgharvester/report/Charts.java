package io.tgharvester.report;

import io.tgharvester.report.ActivityReport.Outcomes;
import io.tgharvester.store.ReportQueries.UserRow;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.awt.Rectangle;
import java.text.DecimalFormat;
import java.text.SimpleDateFormat;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TimeZone;
import java.util.regex.Pattern;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.Axis;
import org.jfree.chart.axis.AxisLocation;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.DateAxis;
import org.jfree.chart.axis.DateTickMarkPosition;
import org.jfree.chart.axis.DateTickUnit;
import org.jfree.chart.axis.DateTickUnitType;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.Plot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.StackedBarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.StackedXYBarRenderer;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.HorizontalAlignment;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.statistics.SimpleHistogramBin;
import org.jfree.data.statistics.SimpleHistogramDataset;
import org.jfree.data.time.Day;
import org.jfree.data.time.Hour;
import org.jfree.data.time.RegularTimePeriod;
import org.jfree.data.time.TimeTableXYDataset;
import org.jfree.svg.SVGGraphics2D;
import org.jfree.svg.ViewBox;

/**
 * The report's charts, drawn by JFreeChart into JFreeSVG: inline {@code <svg>} elements that scale to their
 * container (a view box, no fixed size), with no external references, so the HTML page stays self-contained.
 */
final class Charts {
    static final Color SUCCEEDED = new Color(0x2E7D32);
    static final Color FAILED = new Color(0xC62828);
    static final Color PENDING = new Color(0xF9A825);
    static final Color STALE = new Color(0x90A4AE);
    private static final Color INK = new Color(0x263238);
    private static final Color MUTED = new Color(0x607D8B);
    private static final Color GRID = new Color(0xE0E5E8);
    private static final Color BAR = new Color(0x1565C0);
    private static final String FONT = "SansSerif";

    /** Bars in the per-user chart; quieter submitters are summed into one "others" bar. */
    static final int MAX_USERS = 12;

    /** Namespace declarations: HTML gives inline SVG its namespace, and the page must hold no URL at all. */
    private static final Pattern NAMESPACES = Pattern.compile("\\s+xmlns(:\\w+)?=('[^']*'|\"[^\"]*\")");

    // Reports are made on servers without a display; AWT must not look for one.
    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private Charts() {
    }

    /** Horizontal bars, one per login (busiest first), stacked by outcome. */
    static String submissionsPerUser(List<UserRow> users, int width, String id) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        List<UserRow> shown = users.subList(0, Math.min(users.size(), users.size() > MAX_USERS ? MAX_USERS - 1
                : MAX_USERS));
        for (UserRow user : shown) {
            addOutcomes(data, user.login().orElse(ReportValues.NO_LOGIN), user.succeeded(), user.failed(),
                    user.pending(), user.stale());
        }
        if (users.size() > shown.size()) {
            List<UserRow> rest = users.subList(shown.size(), users.size());
            addOutcomes(data, rest.size() + " others", rest.stream().mapToLong(UserRow::succeeded).sum(),
                    rest.stream().mapToLong(UserRow::failed).sum(), rest.stream().mapToLong(UserRow::pending).sum(),
                    rest.stream().mapToLong(UserRow::stale).sum());
        }
        CategoryAxis logins = new CategoryAxis();
        logins.setCategoryMargin(0.25);
        logins.setLowerMargin(0.02);
        logins.setUpperMargin(0.02);
        long most = users.stream().mapToLong(UserRow::submissions).max().orElse(1);
        NumberAxis samples = countAxis("samples", Math.max(most, rest(users, shown.size())), 10);
        StackedBarRenderer renderer = new StackedBarRenderer();
        renderer.setBarPainter(new StandardBarPainter());
        renderer.setShadowVisible(false);
        renderer.setMaximumBarWidth(0.08);
        outcomePaints((series, paint) -> renderer.setSeriesPaint(series, paint));
        CategoryPlot plot = new CategoryPlot(data, logins, samples, renderer);
        plot.setOrientation(PlotOrientation.HORIZONTAL);
        plot.setRangeAxisLocation(AxisLocation.BOTTOM_OR_LEFT);
        style(plot);
        int height = 90 + 30 * data.getColumnCount();
        return svg(chart(plot, true), width, height, id, "Submissions per user by outcome");
    }

    private static long rest(List<UserRow> users, int shown) {
        return users.subList(shown, users.size()).stream().mapToLong(UserRow::submissions).sum();
    }

    private static void addOutcomes(DefaultCategoryDataset data, String login, long succeeded, long failed,
                                     long pending, long stale) {
        data.addValue(succeeded, "succeeded", login);
        data.addValue(failed, "failed", login);
        data.addValue(pending, "pending", login);
        data.addValue(stale, "stale", login);
    }

    private interface SeriesPaint {
        void set(int series, Paint paint);
    }

    private static void outcomePaints(SeriesPaint target) {
        target.set(0, SUCCEEDED);
        target.set(1, FAILED);
        target.set(2, PENDING);
        target.set(3, STALE);
    }

    /** Submissions per day (or per hour for short spans), stacked by outcome, on a date axis in the report's zone. */
    static String submissionsOverTime(List<Outcomes> buckets, boolean hourly, ZoneId zoneId, int width, int height,
                                      String id) {
        TimeZone zone = TimeZone.getTimeZone(zoneId);
        TimeTableXYDataset data = new TimeTableXYDataset(zone, Locale.ENGLISH);
        for (Outcomes bucket : buckets) {
            Date start = Date.from(bucket.start());
            RegularTimePeriod period = hourly ? new Hour(start, zone, Locale.ENGLISH)
                    : new Day(start, zone, Locale.ENGLISH);
            data.add(period, bucket.succeeded(), "succeeded", false);
            data.add(period, bucket.failed(), "failed", false);
            data.add(period, bucket.pending(), "pending", false);
            data.add(period, bucket.stale(), "stale", true);
        }
        DateAxis time = new DateAxis();
        time.setTimeZone(zone);
        time.setLocale(Locale.ENGLISH);
        SimpleDateFormat format = dateFormat(hourly ? "HH:mm" : "d MMM", zone);
        // a label every day, or every few days/hours so that about eight fit
        int step = Math.max(1, (int) Math.ceil(buckets.size() / 8.0));
        time.setTickUnit(new DateTickUnit(hourly ? DateTickUnitType.HOUR : DateTickUnitType.DAY, step, format));
        // a day's label under the middle of its bar; an hour's at its start, where the clock time is true
        time.setTickMarkPosition(hourly ? DateTickMarkPosition.START : DateTickMarkPosition.MIDDLE);
        time.setLowerMargin(0.01);
        time.setUpperMargin(0.01);
        StackedXYBarRenderer renderer = new StackedXYBarRenderer(0.2);
        renderer.setBarPainter(new StandardXYBarPainter());
        renderer.setShadowVisible(false);
        renderer.setDrawBarOutline(false);
        outcomePaints((series, paint) -> renderer.setSeriesPaint(series, paint));
        long most = buckets.stream().mapToLong(Outcomes::submissions).max().orElse(1);
        XYPlot plot = new XYPlot(data, time, countAxis("submissions", most, 6), renderer);
        style(plot);
        return svg(chart(plot, true), width, height, id, "Submissions per " + (hourly ? "hour" : "day")
                + " by outcome");
    }

    private static SimpleDateFormat dateFormat(String pattern, TimeZone zone) {
        SimpleDateFormat format = new SimpleDateFormat(pattern, Locale.ENGLISH);
        format.setTimeZone(zone);
        return format;
    }

    /**
     * How long analyses take: a histogram of seconds (or minutes) from submission to result, with the median and
     * p95 marked. A few very slow samples would squeeze the rest into one bar, so values past the 99th percentile
     * are counted in the last bar when they lie far out.
     */
    static String timeToResult(List<Long> seconds, Optional<Double> median, Optional<Double> p95, int width,
                               int height, String id) {
        Histogram histogram = Histogram.of(seconds);
        double unit = histogram.minutes() ? 60.0 : 1.0;
        SimpleHistogramDataset data = new SimpleHistogramDataset("analyses");
        data.setAdjustForBinSize(false);
        for (int b = 0; b < histogram.counts().length; b++) {
            // both edges from the same expression, so neighbouring bins meet exactly (no rounding overlap)
            SimpleHistogramBin bin = new SimpleHistogramBin((histogram.lower() + b * histogram.width()) / unit,
                    (histogram.lower() + (b + 1) * histogram.width()) / unit, true, false);
            bin.setItemCount((int) histogram.counts()[b]);
            data.addBin(bin);
        }
        NumberAxis x = new NumberAxis(histogram.minutes() ? "minutes from submission to result"
                : "seconds from submission to result");
        x.setLowerBound(histogram.lower() / unit);
        x.setUpperBound((histogram.lower() + histogram.counts().length * histogram.width()) / unit);
        x.setTickUnit(new NumberTickUnit(niceStep((x.getUpperBound() - x.getLowerBound()) / 10),
                new DecimalFormat("0.#")));
        XYBarRenderer renderer = new XYBarRenderer(0.08);
        renderer.setBarPainter(new StandardXYBarPainter());
        renderer.setShadowVisible(false);
        renderer.setSeriesPaint(0, BAR);
        long most = Arrays.stream(histogram.counts()).max().orElse(1);
        XYPlot plot = new XYPlot(data, x, countAxis("analyses", most, 6), renderer);
        style(plot);
        median.ifPresent(m -> plot.addDomainMarker(marker(m / unit, "median", x)));
        p95.ifPresent(p -> plot.addDomainMarker(marker(p / unit, "p95", x)));
        JFreeChart chart = chart(plot, false);
        if (histogram.clipped() > 0) {
            TextTitle note = new TextTitle(histogram.clipped() + " slower analyses (up to "
                    + ReportValues.duration(histogram.max()) + ") are counted in the last bar",
                    new Font(FONT, Font.PLAIN, 11));
            note.setPaint(MUTED);
            note.setPosition(RectangleEdge.BOTTOM);
            note.setHorizontalAlignment(HorizontalAlignment.RIGHT);
            chart.addSubtitle(note);
        }
        return svg(chart, width, height, id, "Time to result of succeeded analyses");
    }

    /** A dashed line with its label beside it, on the side with room (left of lines near the right edge). */
    private static ValueMarker marker(double at, String label, NumberAxis axis) {
        boolean nearRightEdge = (at - axis.getLowerBound()) / (axis.getUpperBound() - axis.getLowerBound()) > 0.8;
        ValueMarker marker = new ValueMarker(at, INK, new BasicStroke(1.2f, BasicStroke.CAP_BUTT,
                BasicStroke.JOIN_MITER, 10f, new float[]{4f, 3f}, 0f));
        marker.setLabel(label);
        marker.setLabelFont(new Font(FONT, Font.BOLD, 11));
        marker.setLabelPaint(INK);
        marker.setLabelBackgroundColor(new Color(255, 255, 255, 220));
        marker.setLabelAnchor(nearRightEdge ? RectangleAnchor.TOP_LEFT : RectangleAnchor.TOP_RIGHT);
        marker.setLabelTextAnchor(nearRightEdge ? TextAnchor.TOP_RIGHT : TextAnchor.TOP_LEFT);
        marker.setLabelOffset(new RectangleInsets(2, 4, 2, 4));
        return marker;
    }

    /**
     * Equal-width bins of a "nice" width (30 s, 1 min, 2 min, 5 min ... 1 day) that give at most about 40 bars,
     * starting at the bin of the fastest analysis. Values far past the 99th percentile go into the last bar.
     */
    record Histogram(long[] counts, long lower, long width, boolean minutes, long clipped, long max) {
        private static final long[] WIDTHS = {1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400,
                28800, 86400};
        private static final int MAX_BINS = 40;

        static Histogram of(List<Long> values) {
            List<Long> sorted = values.stream().map(v -> Math.max(0, v)).sorted().toList();
            long min = sorted.isEmpty() ? 0 : sorted.get(0);
            long max = sorted.isEmpty() ? 0 : sorted.get(sorted.size() - 1);
            long upper = max;
            if (sorted.size() >= 20) {
                long p99 = sorted.get((int) Math.ceil(0.99 * sorted.size()) - 1);
                if (max > 1.5 * Math.max(p99, 1)) {
                    upper = p99;
                }
            }
            long width = WIDTHS[WIDTHS.length - 1];
            for (long candidate : WIDTHS) {
                if (upper / candidate - min / candidate + 1 <= MAX_BINS) {
                    width = candidate;
                    break;
                }
            }
            long lower = min / width * width;
            int bins = (int) (upper / width - lower / width + 1);
            long[] counts = new long[bins];
            long clipped = 0;
            for (long value : sorted) {
                int bin = (int) ((value - lower) / width);
                if (bin >= bins) {
                    clipped++;
                    bin = bins - 1;
                }
                counts[bin]++;
            }
            return new Histogram(counts, lower, width, upper >= 300, clipped, max);
        }
    }

    /** A whole-number axis with about {@code ticks} ticks at 1, 2, 5, 10, 20, 50 ... steps, whatever the data. */
    private static NumberAxis countAxis(String label, double maxValue, int ticks) {
        NumberAxis axis = new NumberAxis(label);
        axis.setTickUnit(new NumberTickUnit(niceStep(maxValue / ticks), new DecimalFormat("0")));
        axis.setUpperMargin(0.08);
        return axis;
    }

    static double niceStep(double rough) {
        double step = 1;
        while (true) {
            for (double factor : new double[]{1, 2, 5}) {
                if (step * factor >= rough) {
                    return step * factor;
                }
            }
            step *= 10;
        }
    }

    private static JFreeChart chart(Plot plot, boolean legend) {
        JFreeChart chart = new JFreeChart(null, new Font(FONT, Font.BOLD, 14), plot, legend);
        chart.setBackgroundPaint(Color.WHITE);
        chart.setAntiAlias(true);
        chart.setTextAntiAlias(true);
        chart.setPadding(new RectangleInsets(4, 4, 4, 12));
        LegendTitle key = chart.getLegend();
        if (key != null) {
            key.setFrame(BlockBorder.NONE);
            key.setPosition(RectangleEdge.TOP);
            key.setHorizontalAlignment(HorizontalAlignment.LEFT);
            key.setItemFont(new Font(FONT, Font.PLAIN, 12));
            key.setItemPaint(INK);
            key.setBackgroundPaint(Color.WHITE);
        }
        return chart;
    }

    // CategoryPlot and XYPlot share these setters without sharing an interface for them.
    private static void style(CategoryPlot plot) {
        plot.setRangeGridlinePaint(GRID);
        plot.setRangeGridlineStroke(new BasicStroke(1f));
        plot.setDomainGridlinesVisible(false);
        plot.setAxisOffset(RectangleInsets.ZERO_INSETS);
        style(plot, plot.getDomainAxis(), plot.getRangeAxis());
    }

    private static void style(XYPlot plot) {
        plot.setRangeGridlinePaint(GRID);
        plot.setRangeGridlineStroke(new BasicStroke(1f));
        plot.setDomainGridlinesVisible(false);
        plot.setAxisOffset(RectangleInsets.ZERO_INSETS);
        style(plot, plot.getDomainAxis(), plot.getRangeAxis());
    }

    private static void style(Plot plot, Axis domain, Axis range) {
        plot.setBackgroundPaint(Color.WHITE);
        plot.setOutlineVisible(false);
        styleAxis(domain);
        styleAxis(range);
    }

    private static void styleAxis(Axis axis) {
        axis.setLabelFont(new Font(FONT, Font.PLAIN, 12));
        axis.setLabelPaint(MUTED);
        axis.setTickLabelFont(new Font(FONT, Font.PLAIN, 12));
        axis.setTickLabelPaint(INK);
        axis.setAxisLinePaint(GRID);
        axis.setTickMarkPaint(GRID);
    }

    private static String svg(JFreeChart chart, int width, int height, String id, String description) {
        SVGGraphics2D g2 = new SVGGraphics2D(width, height);
        // clip paths and gradients are ids in one shared HTML document: keep each chart's apart
        g2.setDefsKeyPrefix(id + "-");
        g2.setRenderingHint(JFreeChart.KEY_SUPPRESS_SHADOW_GENERATION, true);
        chart.draw(g2, new Rectangle(0, 0, width, height));
        String element = g2.getSVGElement(id, false, new ViewBox(0, 0, width, height), null, null);
        element = NAMESPACES.matcher(element).replaceAll("");
        return element.replaceFirst("<svg ", "<svg role=\"img\" aria-label=\"" + Html.escape(description) + "\" ");
    }
}
