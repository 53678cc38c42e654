package io.salespipeline.bench;

import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * Throughput and lag over time as a self-contained SVG: two polylines on a shared time axis,
 * throughput scaled on the left axis and lag on the right. Written by hand so the launcher needs
 * no plotting library, and viewable in any browser or on GitHub.
 */
final class SvgPlot {

    private static final int WIDTH = 900;
    private static final int HEIGHT = 420;
    private static final int LEFT = 80;
    private static final int RIGHT = 80;
    private static final int TOP = 50;
    private static final int BOTTOM = 50;
    private static final int TICKS = 5;
    private static final String RATE_COLOUR = "#1f77b4";
    private static final String LAG_COLOUR = "#ff7f0e";

    private SvgPlot() {}

    static String render(String title, List<Sample> samples) {
        double maxSeconds =
                niceCeiling(samples.stream().mapToDouble(Sample::seconds).max().orElse(0));
        double maxRate = niceCeiling(
                samples.stream().mapToDouble(Sample::eventsPerSecond).max().orElse(0));
        double maxLag =
                niceCeiling(samples.stream().mapToDouble(Sample::lag).max().orElse(0));
        double plotWidth = WIDTH - LEFT - RIGHT;
        double plotHeight = HEIGHT - TOP - BOTTOM;
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(
                Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                        + "font-family=\"sans-serif\" font-size=\"12\">%n",
                WIDTH,
                HEIGHT,
                WIDTH,
                HEIGHT));
        svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, HEIGHT));
        svg.append(String.format(
                Locale.ROOT,
                "<text x=\"%d\" y=\"24\" font-size=\"15\" font-weight=\"bold\">%s</text>%n",
                LEFT,
                escape(title)));
        for (int i = 0; i <= TICKS; i++) {
            double fraction = (double) i / TICKS;
            double y = TOP + plotHeight * (1 - fraction);
            double x = LEFT + plotWidth * fraction;
            svg.append(String.format(
                    Locale.ROOT,
                    "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#dddddd\"/>%n",
                    LEFT,
                    y,
                    WIDTH - RIGHT,
                    y));
            svg.append(String.format(
                    Locale.ROOT,
                    "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" fill=\"%s\">%s</text>%n",
                    LEFT - 6,
                    y + 4,
                    RATE_COLOUR,
                    human(maxRate * fraction)));
            svg.append(String.format(
                    Locale.ROOT,
                    "<text x=\"%d\" y=\"%.1f\" fill=\"%s\">%s</text>%n",
                    WIDTH - RIGHT + 6,
                    y + 4,
                    LAG_COLOUR,
                    human(maxLag * fraction)));
            svg.append(String.format(
                    Locale.ROOT,
                    "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                    x,
                    HEIGHT - BOTTOM + 18,
                    human(maxSeconds * fraction)));
        }
        svg.append(String.format(
                Locale.ROOT,
                "<rect x=\"%d\" y=\"%d\" width=\"%.0f\" height=\"%.0f\" fill=\"none\" stroke=\"#888888\"/>%n",
                LEFT,
                TOP,
                plotWidth,
                plotHeight));
        svg.append(String.format(
                Locale.ROOT,
                "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">seconds since the job was RUNNING</text>%n",
                LEFT + plotWidth / 2,
                HEIGHT - 12));
        svg.append(String.format(
                Locale.ROOT,
                "<text x=\"%d\" y=\"%d\" fill=\"%s\">events/s</text>%n",
                LEFT - 70,
                TOP - 10,
                RATE_COLOUR));
        svg.append(String.format(
                Locale.ROOT,
                "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" fill=\"%s\">lag (events)</text>%n",
                WIDTH - 10,
                TOP - 10,
                LAG_COLOUR));
        svg.append(
                polyline(samples, s -> s.eventsPerSecond() / maxRate, maxSeconds, RATE_COLOUR, plotWidth, plotHeight));
        svg.append(polyline(samples, s -> s.lag() / maxLag, maxSeconds, LAG_COLOUR, plotWidth, plotHeight));
        return svg.append("</svg>\n").toString();
    }

    private static String polyline(
            List<Sample> samples,
            ToDoubleFunction<Sample> fraction,
            double maxSeconds,
            String colour,
            double plotWidth,
            double plotHeight) {
        StringBuilder points = new StringBuilder();
        for (Sample s : samples) {
            double x = LEFT + plotWidth * s.seconds() / maxSeconds;
            double y = TOP + plotHeight * (1 - fraction.applyAsDouble(s));
            points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
        }
        return String.format(
                Locale.ROOT,
                "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"%s\"/>%n",
                colour,
                points.toString().strip());
    }

    /**
     * The smallest round number at or above {@code value} (1 for nothing to plot) whose fifths are round too: the axis
     * ends there.
     */
    static double niceCeiling(double value) {
        if (value <= 0) {
            return 1;
        }
        double magnitude = Math.pow(10, Math.floor(Math.log10(value)));
        for (double step : new double[] {1, 1.5, 2, 2.5, 3, 4, 5, 7.5, 10}) {
            if (step * magnitude >= value) {
                return step * magnitude;
            }
        }
        return 10 * magnitude;
    }

    /** 1500 as 1.5K, 2000000 as 2M: tick labels stay short. */
    static String human(double value) {
        if (value >= 1_000_000) {
            return trim(value / 1_000_000) + "M";
        }
        if (value >= 1_000) {
            return trim(value / 1_000) + "K";
        }
        return trim(value);
    }

    private static String trim(double value) {
        String text = String.format(Locale.ROOT, "%.1f", value);
        return text.endsWith(".0") ? text.substring(0, text.length() - 2) : text;
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace("\"", "&quot;");
    }
}
