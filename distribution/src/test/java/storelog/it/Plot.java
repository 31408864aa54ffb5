package storelog.it;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Line charts as PNG, drawn with java.desktop alone (headless {@link BufferedImage} and
 * {@link ImageIO}: the machine has no plotting tool): panels stacked one above the other, sharing the
 * x axis, each with its own y axis from 0, a title and a legend. Enough for a soak's curves, nothing more.
 */
final class Plot {

    /** One curve: {@code x} and {@code y} of equal length. */
    record Series(String name, double[] x, double[] y) {
    }

    /** One chart: a title (with its unit) and its curves. */
    record Panel(String title, List<Series> series) {
    }

    private static final int WIDTH = 1000;
    private static final int PANEL_HEIGHT = 220;
    private static final int LEFT = 70;
    private static final int RIGHT = 20;
    private static final int TOP = 30;
    private static final int BOTTOM = 30;
    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e),
        new Color(0x9467bd)};

    private Plot() {
    }

    /** Draws {@code panels} under {@code title} into {@code file} (PNG); {@code xLabel} names the shared x axis. */
    static void write(Path file, String title, String xLabel, List<Panel> panels) {
        System.setProperty("java.awt.headless", "true");
        BufferedImage image = new BufferedImage(WIDTH, 30 + panels.size() * PANEL_HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(title, LEFT, 20);
        double xMax = panels.stream().flatMap(p -> p.series().stream()).flatMapToDouble(s -> java.util.Arrays.stream(s.x()))
                .max().orElse(1);
        for (int i = 0; i < panels.size(); i++) {
            panel(g, panels.get(i), 30 + i * PANEL_HEIGHT, Math.max(xMax, 1e-9), xLabel);
        }
        g.dispose();
        try {
            java.nio.file.Files.createDirectories(file.toAbsolutePath().getParent());
            ImageIO.write(image, "png", file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void panel(Graphics2D g, Panel panel, int top, double xMax, String xLabel) {
        int x0 = LEFT;
        int y0 = top + PANEL_HEIGHT - BOTTOM;
        int w = WIDTH - LEFT - RIGHT;
        int h = PANEL_HEIGHT - TOP - BOTTOM;
        double yMax = panel.series().stream().flatMapToDouble(s -> java.util.Arrays.stream(s.y())).max().orElse(1);
        yMax = niceCeiling(Math.max(yMax, 1e-9) * 1.05);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        g.setColor(Color.BLACK);
        g.drawString(panel.title(), x0, top + TOP - 8);
        for (int t = 0; t <= 4; t++) { // grid and tick labels: five lines each way
            int y = y0 - t * h / 4;
            int x = x0 + t * w / 4;
            g.setColor(new Color(0xdddddd));
            g.drawLine(x0, y, x0 + w, y);
            g.drawLine(x, y0, x, y0 - h);
            g.setColor(Color.DARK_GRAY);
            g.drawString(label(yMax * t / 4), 5, y + 4);
            g.drawString(label(xMax * t / 4) + (t == 4 ? " " + xLabel : ""), t == 4 ? x - 40 : x - 10, y0 + 14);
        }
        g.setColor(Color.BLACK);
        g.drawRect(x0, y0 - h, w, h);
        g.setStroke(new BasicStroke(1.5f));
        for (int s = 0; s < panel.series().size(); s++) {
            Series series = panel.series().get(s);
            g.setColor(COLORS[s % COLORS.length]);
            for (int i = 1; i < series.x().length; i++) {
                g.drawLine(x0 + (int) (series.x()[i - 1] / xMax * w), y0 - (int) (series.y()[i - 1] / yMax * h),
                        x0 + (int) (series.x()[i] / xMax * w), y0 - (int) (series.y()[i] / yMax * h));
            }
            if (series.x().length == 1) {
                g.fillOval(x0 + (int) (series.x()[0] / xMax * w) - 2, y0 - (int) (series.y()[0] / yMax * h) - 2, 5, 5);
            }
            g.fillRect(x0 + 330 + s * 160, top + TOP - 16, 10, 10); // the legend, right of the title
            g.drawString(series.name(), x0 + 345 + s * 160, top + TOP - 8);
        }
        g.setStroke(new BasicStroke(1f));
    }

    private static double niceCeiling(double v) {
        double magnitude = Math.pow(10, Math.floor(Math.log10(v)));
        for (double step : new double[] {1, 2, 2.5, 5, 10}) {
            if (step * magnitude >= v) {
                return step * magnitude;
            }
        }
        return 10 * magnitude;
    }

    private static String label(double v) {
        return Math.abs(v) >= 10 || v == Math.rint(v) ? Long.toString(Math.round(v)) : String.format("%.1f", v);
    }
}
