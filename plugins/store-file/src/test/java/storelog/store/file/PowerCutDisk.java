package storelog.store.file;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A {@link Disk} that remembers what a power cut would keep: an in-memory file system below
 * {@code root} that knows, per file, the content made durable by the last {@code force} and every
 * content it had since; and per directory, the names made durable by the last directory fsync and
 * every change of names since. {@link #crash(Random)} then draws one disk a power cut could leave:
 * <ul>
 *   <li>a file's unforced changes may all be kept, all be lost, be kept up to some moment, or be
 *       <em>torn</em>: each 512-byte or 4 KiB block (and the file's size) shows the content it had at
 *       some moment since the last force, independently of the others — which is what writes reaching
 *       the disk in any order, page by page, across files, amounts to. Bytes a kept size holds but
 *       no kept write reached read as zeros;</li>
 *   <li>each unforced creation, rename or deletion of a name is kept or lost on its own (a rename
 *       is atomic: both of its names change, or neither);</li>
 *   <li>whatever was forced is kept: a file's content by {@code force}, names by {@link #forceDirectory}.</li>
 * </ul>
 * A file is an inode: its data is durable by {@code force} whatever its names are, and a name points
 * at it only if the directory change that made the name was kept.
 *
 * <p>Every change to the model is one <em>operation</em>; {@link #onOperation} is told before each one
 * is applied, under the disk's lock, so a crash drawn there is the disk between two operations. Reads
 * see the current content (the page cache). Thread-safe: one lock for everything.
 */
final class PowerCutDisk implements Disk {

    /** Told before each operation that changes the model, with its number (from 1) and what it is. */
    @FunctionalInterface
    interface OperationListener {
        void before(int operation, String what);
    }

    private final Path root;
    private final Directory top = new Directory();
    private int operations;
    private OperationListener listener = (n, what) -> { };

    /** An empty disk whose top directory is {@code root} (an absolute path; nothing outside it exists). */
    PowerCutDisk(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /** A disk holding {@code image} below {@code root}, all of it durable (the disk after a power cut, powered on). */
    static PowerCutDisk holding(Path root, CrashImage image) {
        PowerCutDisk disk = new PowerCutDisk(root);
        for (String dir : image.directories()) {
            disk.durableDirectory(dir);
        }
        image.files().forEach((name, content) -> {
            int slash = name.lastIndexOf('/');
            Directory parent = slash < 0 ? disk.top : disk.durableDirectory(name.substring(0, slash));
            File file = new File();
            file.durable = content.clone();
            parent.durable.put(name.substring(slash + 1), file);
            parent.current.put(name.substring(slash + 1), file);
        });
        return disk;
    }

    private Directory durableDirectory(String relative) {
        Directory d = top;
        for (String part : relative.split("/")) {
            Node next = d.current.get(part);
            if (next == null) {
                next = new Directory();
                d.durable.put(part, next);
                d.current.put(part, next);
            }
            d = (Directory) next;
        }
        return d;
    }

    Path root() {
        return root;
    }

    synchronized void onOperation(OperationListener listener) {
        this.listener = listener;
    }

    /** Operations so far. */
    synchronized int operations() {
        return operations;
    }

    /** Counts an operation and tells the listener, before the caller applies it (lock held). */
    private void operation(String what) {
        operations++;
        listener.before(operations, what);
    }

    // ---- the model ----

    private abstract static sealed class Node permits File, Directory {
    }

    /** A file's data: durable content and the contents it had since, oldest first (each an unforced change). */
    static final class File extends Node {
        private byte[] durable = new byte[0];
        private final List<byte[]> since = new ArrayList<>();

        byte[] current() {
            return since.isEmpty() ? durable : since.getLast();
        }

        private void change(byte[] content) {
            since.add(content);
        }

        private void force() {
            durable = current();
            since.clear();
        }

        /** The durable content followed by every later one. */
        private List<byte[]> versions() {
            List<byte[]> all = new ArrayList<>(since.size() + 1);
            all.add(durable);
            all.addAll(since);
            return all;
        }

        void write(long position, byte[] bytes) {
            byte[] now = current();
            byte[] next = Arrays.copyOf(now, (int) Math.max(now.length, position + bytes.length));
            System.arraycopy(bytes, 0, next, (int) position, bytes.length);
            change(next);
        }

        void truncate(long size) {
            if (size < current().length) {
                change(Arrays.copyOf(current(), (int) size));
            }
        }
    }

    /** One change of names in a directory: each name to a node, or removed (null). A rename changes two at once. */
    private record NameChange(Map<String, Node> names) {
        void applyTo(Map<String, Node> entries) {
            names.forEach((name, node) -> {
                if (node == null) {
                    entries.remove(name);
                } else {
                    entries.put(name, node);
                }
            });
        }
    }

    /** A directory's durable names, the changes since the last fsync, and the names as they are now. */
    private static final class Directory extends Node {
        private final Map<String, Node> durable = new TreeMap<>();
        private final List<NameChange> since = new ArrayList<>();
        private final Map<String, Node> current = new TreeMap<>();

        void change(NameChange change) {
            since.add(change);
            change.applyTo(current);
        }

        void force() {
            durable.clear();
            durable.putAll(current);
            since.clear();
        }
    }

    // ---- the crash ----

    /**
     * One disk a power cut now could leave, drawn with {@code random}: each directory keeps all, none
     * or a random subset of its unforced name changes (in their order); each file reachable by the
     * kept names keeps all, none, a moment's worth of its unforced content, or torn blocks.
     */
    synchronized CrashImage crash(Random random) {
        return image(random);
    }

    /** The disk a power cut now leaves when nothing unforced reached it: only what was forced. */
    synchronized CrashImage durableImage() {
        return image(null);
    }

    private CrashImage image(Random random) {
        TreeMap<String, byte[]> files = new TreeMap<>();
        TreeSet<String> dirs = new TreeSet<>();
        Map<File, byte[]> drawn = new IdentityHashMap<>();
        collect(top, "", random, files, dirs, drawn);
        return new CrashImage(files, dirs);
    }

    /** Adds what survives of {@code dir} and below; a null {@code random} keeps only what was forced. */
    private void collect(Directory dir, String prefix, Random random, Map<String, byte[]> files, TreeSet<String> dirs,
                         Map<File, byte[]> drawn) {
        Map<String, Node> names = random == null ? dir.durable : survivingNames(dir, random);
        for (Map.Entry<String, Node> e : names.entrySet()) {
            String name = prefix + e.getKey();
            if (e.getValue() instanceof Directory d) {
                dirs.add(name);
                collect(d, name + "/", random, files, dirs, drawn);
            } else {
                File f = (File) e.getValue();
                files.put(name, drawn.computeIfAbsent(f, x -> random == null ? x.durable : survivingContent(x, random)));
            }
        }
    }

    private static Map<String, Node> survivingNames(Directory dir, Random random) {
        Map<String, Node> names = new TreeMap<>(dir.durable);
        if (dir.since.isEmpty()) {
            return names;
        }
        int strategy = random.nextInt(4);
        int prefix = random.nextInt(dir.since.size() + 1);
        for (int i = 0; i < dir.since.size(); i++) {
            boolean kept = switch (strategy) {
                case 0 -> false;
                case 1 -> true;
                case 2 -> i < prefix;
                default -> random.nextBoolean();
            };
            if (kept) {
                dir.since.get(i).applyTo(names);
            }
        }
        return names;
    }

    /** Sizes of the blocks a torn file is made of: a disk sector, a page. */
    private static final int[] BLOCKS = {512, 4096};

    static byte[] survivingContent(File file, Random random) {
        if (file.since.isEmpty()) {
            return file.durable;
        }
        List<byte[]> versions = file.versions();
        return switch (random.nextInt(5)) {
            case 0 -> file.durable;
            case 1 -> file.current();
            case 2 -> versions.get(random.nextInt(versions.size()));
            default -> torn(versions, random);
        };
    }

    /** Each block from a version of its own choosing; the size from another. */
    private static byte[] torn(List<byte[]> versions, Random random) {
        int block = BLOCKS[random.nextInt(BLOCKS.length)];
        byte[] out = new byte[versions.get(random.nextInt(versions.size())).length];
        for (int at = 0; at < out.length; at += block) {
            byte[] from = versions.get(random.nextInt(versions.size()));
            int n = Math.min(Math.min(block, out.length - at), Math.max(0, from.length - at));
            if (n > 0) {
                System.arraycopy(from, at, out, at, n); // the rest of the block stays zero
            }
        }
        return out;
    }

    // ---- paths ----

    private List<String> parts(Path path) throws IOException {
        Path p = path.toAbsolutePath().normalize();
        if (!p.startsWith(root)) {
            throw new NoSuchFileException(path.toString(), null, "outside the simulated disk " + root);
        }
        List<String> parts = new ArrayList<>();
        for (Path part : root.relativize(p)) {
            if (!part.toString().isEmpty()) {
                parts.add(part.toString());
            }
        }
        return parts;
    }

    private Node find(Path path) throws IOException {
        Node node = top;
        for (String part : parts(path)) {
            if (!(node instanceof Directory d) || (node = d.current.get(part)) == null) {
                return null;
            }
        }
        return node;
    }

    /** The directory that holds {@code path}'s name. */
    private Directory parentOf(Path path) throws IOException {
        List<String> parts = parts(path);
        if (parts.isEmpty()) {
            throw new IOException("the root " + root + " has no parent on the simulated disk");
        }
        Node node = top;
        for (String part : parts.subList(0, parts.size() - 1)) {
            node = node instanceof Directory d ? d.current.get(part) : null;
            if (node == null) {
                throw new NoSuchFileException(path.toString(), null, "its directory does not exist");
            }
        }
        if (!(node instanceof Directory d)) {
            throw new NotDirectoryException(path.getParent().toString());
        }
        return d;
    }

    private static String name(Path path) {
        return path.getFileName().toString();
    }

    private static NameChange names(String name, Node node) {
        Map<String, Node> names = new LinkedHashMap<>();
        names.put(name, node);
        return new NameChange(names);
    }

    // ---- Disk ----

    @Override
    public synchronized java.nio.channels.FileChannel open(Path file, OpenOption... options) throws IOException {
        List<OpenOption> opts = Arrays.asList(options);
        if (opts.contains(StandardOpenOption.APPEND) || opts.contains(StandardOpenOption.DELETE_ON_CLOSE)) {
            throw new UnsupportedOperationException("not simulated: " + opts);
        }
        boolean write = opts.contains(StandardOpenOption.WRITE);
        boolean read = opts.contains(StandardOpenOption.READ) || !write;
        Directory parent = parentOf(file);
        Node node = parent.current.get(name(file));
        if (node instanceof Directory) {
            throw new IOException(file + " is a directory");
        }
        if (node != null && opts.contains(StandardOpenOption.CREATE_NEW)) {
            throw new FileAlreadyExistsException(file.toString());
        }
        if (node == null) {
            if (!write || !(opts.contains(StandardOpenOption.CREATE) || opts.contains(StandardOpenOption.CREATE_NEW))) {
                throw new NoSuchFileException(file.toString());
            }
            operation("create " + file);
            node = new File();
            parent.change(names(name(file), node));
        }
        File f = (File) node;
        if (write && opts.contains(StandardOpenOption.TRUNCATE_EXISTING) && f.current().length > 0) {
            operation("truncate " + file + " to 0");
            f.truncate(0);
        }
        return new SimulatedChannel(this, f, file, read, write);
    }

    @Override
    public java.nio.channels.FileChannel createNew(Path file) throws IOException {
        return open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    }

    @Override
    public synchronized List<Path> createDirectories(Path dir) throws IOException {
        List<Path> created = new ArrayList<>();
        Directory d = top;
        Path at = root;
        for (String part : parts(dir)) {
            at = at.resolve(part);
            Node next = d.current.get(part);
            if (next == null) {
                operation("mkdir " + at);
                next = new Directory();
                d.change(names(part, next));
                created.add(at);
            } else if (!(next instanceof Directory)) {
                throw new FileAlreadyExistsException(at.toString(), null, "a file, not a directory");
            }
            d = (Directory) next;
        }
        return created;
    }

    @Override
    public synchronized boolean exists(Path path) {
        try {
            return find(path) != null;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public synchronized boolean isDirectory(Path path) {
        try {
            return find(path) instanceof Directory;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public synchronized boolean directoryExists(Path dir) throws IOException {
        return find(dir) instanceof Directory;
    }

    @Override
    public synchronized long size(Path file) throws IOException {
        if (!(find(file) instanceof File f)) {
            throw new NoSuchFileException(file.toString());
        }
        return f.current().length;
    }

    @Override
    public synchronized List<Path> list(Path dir) throws IOException {
        if (!(find(dir) instanceof Directory d)) {
            throw new NotDirectoryException(dir.toString());
        }
        return d.current.keySet().stream().map(dir::resolve).toList();
    }

    @Override
    public synchronized boolean deleteIfExists(Path path) throws IOException {
        Directory parent = parentOf(path);
        Node node = parent.current.get(name(path));
        if (node == null) {
            return false;
        }
        if (node instanceof Directory d && !d.current.isEmpty()) {
            throw new DirectoryNotEmptyException(path.toString());
        }
        operation("delete " + path);
        parent.change(names(name(path), null));
        return true;
    }

    @Override
    public synchronized void moveAtomically(Path source, Path target) throws IOException {
        Directory parent = parentOf(source);
        if (parentOf(target) != parent) {
            throw new UnsupportedOperationException("not simulated: a rename across directories");
        }
        Node node = parent.current.get(name(source));
        if (node == null) {
            throw new NoSuchFileException(source.toString());
        }
        operation("rename " + source + " to " + target);
        Map<String, Node> names = new HashMap<>();
        names.put(name(source), null);
        names.put(name(target), node);
        parent.change(new NameChange(names));
    }

    @Override
    public synchronized void forceDirectory(Path dir) throws IOException {
        if (!(find(dir) instanceof Directory d)) {
            throw new NoSuchFileException(dir.toString());
        }
        operation("force-dir " + dir);
        d.force();
    }

    // ---- what a channel does to its file (called by SimulatedChannel, lock taken here) ----

    synchronized void write(File file, Path path, long position, byte[] bytes) {
        operation("write " + path + " " + bytes.length + " bytes at " + position);
        file.write(position, bytes);
    }

    synchronized void truncate(File file, Path path, long size) {
        if (size < file.current().length) {
            operation("truncate " + path + " to " + size);
            file.truncate(size);
        }
    }

    synchronized void force(File file, Path path) {
        operation("force " + path);
        file.force();
    }

    synchronized byte[] content(File file) {
        return file.current();
    }
}
