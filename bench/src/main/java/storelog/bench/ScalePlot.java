package storelog.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * Draws the restart figures of {@code bench/scale.sh} as a PNG bar chart (headless, java.desktop
 * only: the machines have no plotting tool): per data set, the time to {@code /health/ready} after a
 * clean stop and after kill -9, with the goal line when one is given.
 *
 * <p>Input: the {@code RESULT restart <data set> <clean|crash> <ms>} lines of a scale log, or the
 * {@code RESULT <image> clean_<N>|crash_<N> <ms>} lines of {@code bench/crash-restart.sh} (the crash
 * bar is the median of the rounds; data set {@code "<image> <N>"}). Run with the
 * JDK's source launcher: {@code java bench/src/main/java/storelog/bench/ScalePlot.java <log> <png> [<reads png>]}.
 *
 * <p>With a third argument it also draws the scale log's item-2 figures: the {@code RESULT <pass>_reads_per_s}
 * passes over 10,000 partitions (cold after a clean restart, cold after kill -9, warm, one hot partition:
 * the HTTP bound of the run) and {@code RESULT new_partitions_per_s} beside its bound: the same creations
 * without StoreLog ({@code RESULT create_ceiling_per_s}, bench/create-ceiling.py), or in older logs the
 * raw fsync rate of the run over the 3 fsyncs a partition creation costs.
 */
public final class ScalePlot {

    private static final int WIDTH = 900;
    private static final int HEIGHT = 520;
    private static final int LEFT = 80;
    private static final int BOTTOM = 80;
    private static final int TOP = 60;

    private ScalePlot() {
    }

    public static void main(String[] args) throws IOException {
        Map<String, double[]> sets = new LinkedHashMap<>(); // data set -> {clean ms, crash ms}
        Map<String, List<Double>> crashRounds = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of(args[0]))) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 5 && f[0].equals("RESULT") && f[1].equals("restart")) {
                double[] pair = sets.computeIfAbsent(f[2], k -> new double[] {Double.NaN, Double.NaN});
                pair[f[3].equals("clean") ? 0 : 1] = Double.parseDouble(f[4]);
            } else if (f.length == 4 && f[0].equals("RESULT") && f[2].matches("(clean|crash)_\\d+")) {
                // bench/crash-restart.sh: RESULT <image> clean_<N> <ms> once, crash_<N> <ms> once per round
                String set = f[1] + " " + f[2].substring(6);
                double[] pair = sets.computeIfAbsent(set, k -> new double[] {Double.NaN, Double.NaN});
                if (f[2].startsWith("clean")) {
                    pair[0] = Double.parseDouble(f[3]);
                } else {
                    crashRounds.computeIfAbsent(set, k -> new ArrayList<>()).add(Double.parseDouble(f[3]));
                }
            }
        }
        crashRounds.forEach((set, rounds) -> sets.get(set)[1] = rounds.stream().sorted().toList().get(rounds.size() / 2));
        ImageIO.write(draw("StoreLog restart: time to /health/ready (ms), FSYNC=always", sets,
                new String[] {"after a clean stop", "after kill -9"}, 2000, "2 s goal (crash restart, 10k/100k partitions)"),
                "png", Path.of(args[1]).toFile());
        if (args.length > 2) {
            ImageIO.write(draw("Cold partitions: reads/s over 10,000 partitions (64 connections), new partitions/s",
                    rates(Files.readAllLines(Path.of(args[0]))), new String[] {"StoreLog", "bound of the same run"}, 10_000,
                    "10,000 first reads/s goal"),
                    "png", Path.of(args[2]).toFile());
        }
    }

    /** The item-2 figures of a scale log: each pass's reads/s (the hot pass is the bound), new partitions/s and their bound. */
    static Map<String, double[]> rates(List<String> lines) {
        Map<String, Double> results = new LinkedHashMap<>();
        for (String line : lines) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 3 && f[0].equals("RESULT") && f[2].matches("\\d+(\\.\\d+)?")) {
                results.put(f[1], Double.parseDouble(f[2]));
            }
        }
        Map<String, double[]> sets = new LinkedHashMap<>();
        double hot = results.getOrDefault("hot_reads_per_s", Double.NaN);
        results.forEach((name, value) -> {
            if (name.endsWith("_reads_per_s") && !name.equals("hot_reads_per_s")) {
                sets.put(name.substring(0, name.length() - "_reads_per_s".length()).replace('_', ' ') + " reads", new double[] {value, hot});
            }
        });
        if (results.containsKey("new_partitions_per_s")) {
            sets.put("new partitions", new double[] {results.get("new_partitions_per_s"),
                    results.getOrDefault("create_ceiling_per_s", results.getOrDefault("raw_fsyncs_per_s", Double.NaN) / 3)});
        }
        return sets;
    }

    /**
     * Grouped bars: per data set one bar of each kind (NaN: none), with a dashed goal line unless
     * {@code goal} is NaN.
     */
    static BufferedImage draw(String title, Map<String, double[]> sets, String[] kinds, double goal, String goalLabel) {
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, HEIGHT);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString(title, LEFT, 30);
        double max = Double.isNaN(goal) ? 1 : goal; // the goal line is always in view
        for (double[] pair : sets.values()) {
            for (double v : pair) {
                if (!Double.isNaN(v)) {
                    max = Math.max(max, v);
                }
            }
        }
        max *= 1.15;
        int plotHeight = HEIGHT - TOP - BOTTOM;
        int plotWidth = WIDTH - LEFT - 40;
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (int i = 0; i <= 5; i++) {
            double v = max * i / 5;
            int y = HEIGHT - BOTTOM - (int) (plotHeight * i / 5.0);
            g.setColor(new Color(220, 220, 220));
            g.drawLine(LEFT, y, LEFT + plotWidth, y);
            g.setColor(Color.BLACK);
            g.drawString(String.format(Locale.ROOT, "%.0f", v), 10, y + 4);
        }
        if (!Double.isNaN(goal)) {
            int y = HEIGHT - BOTTOM - (int) (plotHeight * goal / max);
            g.setColor(Color.RED);
            g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 4}, 0));
            g.drawLine(LEFT, y, LEFT + plotWidth, y);
            g.drawString(goalLabel, LEFT + 5, y - 4);
            g.setStroke(new BasicStroke(1));
        }
        List<String> names = new ArrayList<>(sets.keySet());
        int group = names.isEmpty() ? plotWidth : plotWidth / names.size();
        Color[] colors = {new Color(70, 130, 180), new Color(230, 140, 40)};
        for (int i = 0; i < names.size(); i++) {
            double[] pair = sets.get(names.get(i));
            int x0 = LEFT + i * group + group / 6;
            int bar = group / 3;
            for (int k = 0; k < kinds.length; k++) {
                if (Double.isNaN(pair[k])) {
                    continue;
                }
                int h = (int) (plotHeight * pair[k] / max);
                g.setColor(colors[k]);
                g.fillRect(x0 + k * bar, HEIGHT - BOTTOM - h, bar - 6, h);
                g.setColor(Color.BLACK);
                g.drawString(String.format(Locale.ROOT, "%.0f", pair[k]), x0 + k * bar + 4, HEIGHT - BOTTOM - h - 4);
            }
            g.drawString(names.get(i), x0, HEIGHT - BOTTOM + 18);
        }
        for (int k = 0; k < kinds.length; k++) {
            g.setColor(colors[k]);
            g.fillRect(LEFT + k * 200, HEIGHT - 35, 14, 14);
            g.setColor(Color.BLACK);
            g.drawString(kinds[k], LEFT + k * 200 + 20, HEIGHT - 23);
        }
        g.dispose();
        return image;
    }
}
