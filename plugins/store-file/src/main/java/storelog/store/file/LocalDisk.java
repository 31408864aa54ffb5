package storelog.store.file;

import java.io.FileDescriptor;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** {@link Disk} on the local file system through NIO. Not final: tests inject faults by overriding. */
class LocalDisk implements Disk {

    private static final boolean DESCRIPTOR_SYNC = syncsThroughDescriptor(System.getProperty("os.name", ""));

    /** Whether {@link #openForSync} opens a read-only descriptor of its own rather than {@link #open}'s channel. */
    private final boolean descriptorSync;

    /**
     * A local disk whose fsyncs go through the channels of {@link #open}, so that a subclass injecting
     * faults there sees them too.
     */
    LocalDisk() {
        this(false);
    }

    private LocalDisk(boolean descriptorSync) {
        this.descriptorSync = descriptorSync;
    }

    /** The engine's disk ({@link Disk#LOCAL}): fsyncs through a descriptor of their own where the system allows it. */
    static LocalDisk production() {
        return new LocalDisk(DESCRIPTOR_SYNC);
    }

    @Override
    public FileChannel open(Path file, OpenOption... options) throws IOException {
        return FileChannel.open(file, options);
    }

    @Override
    public FileChannel createNew(Path file) throws IOException {
        return open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    }

    @Override
    public List<Path> createDirectories(Path dir) throws IOException {
        List<Path> missing = new ArrayList<>();
        for (Path d = dir.toAbsolutePath(); d != null && !Files.isDirectory(d); d = d.getParent()) {
            missing.addFirst(d);
        }
        List<Path> created = new ArrayList<>();
        for (Path d : missing) {
            try {
                Files.createDirectory(d);
                created.add(d);
            } catch (FileAlreadyExistsException e) {
                if (!Files.isDirectory(d)) {
                    throw e;
                }
            }
        }
        return created;
    }

    @Override
    public boolean exists(Path path) {
        return Files.exists(path);
    }

    @Override
    public boolean isDirectory(Path path) {
        return Files.isDirectory(path);
    }

    @Override
    public boolean directoryExists(Path dir) throws IOException {
        try {
            return Files.readAttributes(dir, BasicFileAttributes.class).isDirectory();
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    @Override
    public long size(Path file) throws IOException {
        return Files.size(file);
    }

    /**
     * Through NIO's directory stream, not {@link java.io.File#list()}: that one ends its {@code readdir}
     * loop at the first null and never looks at {@code errno}, so a directory whose reading fails part-way
     * (EIO, a stale NFS handle) lists short without an error — a partition loaded without some of its
     * segments or its leader-epoch history (ListingErrorTest). This costs a cold partition's first use a
     * {@code dup} and an {@code fcntl} more.
     */
    @Override
    public List<Path> list(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.toList();
        } catch (UncheckedIOException e) { // an error while iterating
            throw e.getCause();
        }
    }

    @Override
    public DirectoryStream<Path> entries(Path dir) throws IOException {
        return Files.newDirectoryStream(dir);
    }

    @Override
    public boolean deleteIfExists(Path path) throws IOException {
        return Files.deleteIfExists(path);
    }

    @Override
    public void moveAtomically(Path source, Path target) throws IOException {
        Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * Production's own class syncs through {@link FileDescriptor#sync} of a read-only
     * {@link RandomAccessFile}: no NIO channel, so an interrupt of the caller neither ends the fsync nor
     * hides its outcome, and a lone appender fsyncs on its own thread instead of handing the fsync to
     * another and back (a fifth of a lone appender's time at one fsync per record). The cost is the
     * error's text: the JDK reports a failed {@code fsync} as "sync failed", without the operating
     * system's reason (the kernel's log has it); every fsync failure fails the partition closed
     * whatever its reason. {@code fsync} rather than {@code fdatasync}: after an append, which changes
     * the file's size, both write the inode. Opening read-only cannot create a file that was deleted
     * meanwhile. Any other local disk (tests that inject faults through {@link #open}), and systems other
     * than Linux ({@link #syncsThroughDescriptor}), get the channel of {@link #open}.
     */
    @Override
    public FileSync openForSync(Path file) throws IOException {
        if (!descriptorSync) {
            return Disk.super.openForSync(file);
        }
        RandomAccessFile descriptor;
        try {
            descriptor = new RandomAccessFile(file.toFile(), "r");
        } catch (FileNotFoundException e) {
            throw asNio(file, e);
        }
        return FileSync.of(false, () -> descriptor.getFD().sync(), descriptor);
    }

    /**
     * Whether the system {@code osName} syncs through a descriptor ({@link FileDescriptor#sync}) as
     * durably as through a channel: Linux only, where both are the kernel's {@code fsync}. Not macOS,
     * where the descriptor's is a plain {@code fsync}, which leaves the data in the drive's volatile
     * cache, and the channel's is {@code fcntl(F_FULLFSYNC)}, which flushes it (review1): an
     * acknowledged record would not survive a power cut. Not Windows, which flushes only handles open
     * for writing. Not the other systems, whose channel this engine was measured with.
     */
    static boolean syncsThroughDescriptor(String osName) {
        return osName.equals("Linux");
    }

    /**
     * {@link RandomAccessFile}'s "{@code <path> (<reason>)}" as NIO reports it ({@link NoSuchFileException},
     * else a {@link FileSystemException} with the reason), so a descriptor shortage is recognised
     * ({@link IoErrors#isDescriptorShortage}) as when a channel is opened.
     */
    static IOException asNio(Path file, FileNotFoundException e) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        int open = message.lastIndexOf(" (");
        String reason = open >= 0 && message.endsWith(")") ? message.substring(open + 2, message.length() - 1) : message;
        IOException nio = reason.equals("No such file or directory") ? new NoSuchFileException(file.toString())
                : new FileSystemException(file.toString(), null, reason);
        nio.initCause(e);
        return nio;
    }

    @Override
    public void forceDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
