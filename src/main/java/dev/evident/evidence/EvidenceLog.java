package dev.evident.evidence;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * The writer of an evidence log: a single file (the CLI) or a directory of segments (the operator), one hash
 * chain across all of them. {@link #append} chains a record at once and writes it; when the write fails (full
 * disk, I/O error) the record stays queued, the log reports itself unhealthy, and the next append or
 * {@link #flush} writes it again at the same place: records keep their seq and time and are never lost while
 * the process lives. Opening resumes the chain from the last record; bytes after the last complete record
 * (a write cut short by a crash) are kept verbatim in a {@code recovered} record, never silently dropped.
 */
public final class EvidenceLog {
    private static final Logger LOG = Logger.getLogger(EvidenceLog.class);
    /** Bytes of a partial line kept inline in the recovered record; more go to a side file. */
    static final int INLINE_RECOVERED = 64 * 1024;

    /** Segment rotation and retention (directory logs), and how often the head is signed. */
    public record Settings(long maxSegmentBytes, Duration maxSegmentAge, Duration retention, Duration checkpointInterval) {
        public static final Settings DEFAULT = new Settings(64L << 20, Duration.ofDays(1), Duration.ofDays(400), Duration.ofHours(1));
    }

    /** File writes, apart so tests can make them fail. */
    interface Io {
        /** Writes bytes at position, leaving the file exactly position + bytes long, and forces them to disk. */
        void write(Path file, long position, byte[] bytes) throws IOException;

        void delete(Path file) throws IOException;
    }

    static final Io FILES = new Io() {
        @Override
        public void write(Path file, long position, byte[] bytes) throws IOException {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                long at = position;
                while (buffer.hasRemaining()) {
                    at += channel.write(buffer, at);
                }
                channel.truncate(at);
                channel.force(false);
            }
        }

        @Override
        public void delete(Path file) throws IOException {
            Files.deleteIfExists(file);
        }
    };

    private record Pending(Path segment, byte[] bytes, EvidenceRecord record) {
    }

    private final Path directory;
    private final Clock clock;
    private final Settings settings;
    private final Io io;
    private final Deque<Pending> pending = new ArrayDeque<>();
    private final Map<Path, Long> committed = new HashMap<>();
    private final List<Path> toDelete = new ArrayList<>();
    private final List<Consumer<EvidenceRecord>> listeners = new CopyOnWriteArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private Checkpoints.Signer signer;
    private EvidenceRecord head;
    private Path segment;
    private long segmentSize;
    private Instant segmentStart;
    private Instant lastCheckpoint;
    private long writeErrors;
    private String lastError;

    private EvidenceLog(Path directory, Path file, Clock clock, Settings settings, Io io) {
        this.directory = directory;
        this.clock = clock;
        this.settings = settings;
        this.io = io;
        this.segment = file;
    }

    /** A log in one file (no rotation), created with its parent directories on the first write. */
    public static EvidenceLog openFile(Path file, Clock clock) {
        return openFile(file, clock, FILES);
    }

    static EvidenceLog openFile(Path file, Clock clock, Io io) {
        EvidenceLog log = new EvidenceLog(null, file, clock, Settings.DEFAULT, io);
        log.resume(List.of(file));
        log.flush();
        return log;
    }

    /** A log in a directory of segments, rotated and pruned by settings. */
    public static EvidenceLog openDirectory(Path directory, Clock clock, Settings settings) {
        return openDirectory(directory, clock, settings, FILES);
    }

    static EvidenceLog openDirectory(Path directory, Clock clock, Settings settings, Io io) {
        EvidenceLog log = new EvidenceLog(directory, null, clock, settings, io);
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            log.failed(e);
        }
        log.resume(Files.isDirectory(directory) ? EvidenceFiles.segments(directory) : List.of());
        log.applyRetention();
        log.flush();
        return log;
    }

    /** Called with each record once it is on disk (stdout mirror, metrics, Events). */
    public void onWritten(Consumer<EvidenceRecord> listener) {
        listeners.add(listener);
    }

    /** Sign checkpoints from now on (null: stop signing). */
    public synchronized void signWith(Checkpoints.Signer signer) {
        this.signer = signer;
    }

    /** Chains a record and tries to write it (and anything still queued). Never throws for I/O errors. */
    public synchronized EvidenceRecord append(String type, ObjectNode data) {
        EvidenceRecord record = appendQueued(type, data);
        checkpointIfDue();
        flush();
        return record;
    }

    /** Appends a signed checkpoint when the last one is older than the checkpoint interval. */
    public synchronized void checkpointIfDue() {
        Instant now = clock.instant();
        if (signer != null && (lastCheckpoint == null || !now.isBefore(lastCheckpoint.plus(settings.checkpointInterval())))) {
            checkpoint();
        }
    }

    /** Chains a record without writing it yet; {@link #flush} writes everything queued in one go. */
    public synchronized EvidenceRecord appendQueued(String type, ObjectNode data) {
        Instant now = clock.instant();
        if (directory != null && segmentSize > 0
                && (segmentSize >= settings.maxSegmentBytes() || !now.isBefore(segmentStart.plus(settings.maxSegmentAge())))) {
            rotate(now);
        }
        return chain(type, data, now);
    }

    /** Appends a checkpoint of the current head, signed, when a signer is set and the head is not one already. */
    public synchronized EvidenceRecord checkpoint() {
        if (signer == null || head == null || RecordTypes.CHECKPOINT.equals(head.type())) {
            return null;
        }
        Instant now = clock.instant();
        lastCheckpoint = now;
        EvidenceRecord record = chain(RecordTypes.CHECKPOINT, signer.sign(head), now);
        flush();
        return record;
    }

    private EvidenceRecord chain(String type, ObjectNode data, Instant now) {
        if (segment == null) {
            segment = directory.resolve(EvidenceFiles.segmentName(nextSeq()));
            segmentStart = now;
        }
        EvidenceRecord record = EvidenceRecord.create(nextSeq(), now, type, data, head == null ? EvidenceRecord.GENESIS : head.hash());
        byte[] bytes = (record.line() + "\n").getBytes(StandardCharsets.UTF_8);
        pending.add(new Pending(segment, bytes, record));
        segmentSize += bytes.length;
        head = record;
        return record;
    }

    private long nextSeq() {
        return head == null ? 1 : head.seq() + 1;
    }

    private void rotate(Instant now) {
        if (signer != null) {
            lastCheckpoint = now;
            chain(RecordTypes.CHECKPOINT, signer.sign(head), now);
        }
        segment = directory.resolve(EvidenceFiles.segmentName(nextSeq()));
        segmentSize = 0;
        segmentStart = now;
        applyRetention();
    }

    /** Queues removal of segments whose every record is older than the retention, recording it first. */
    private void applyRetention() {
        if (directory == null || !Files.isDirectory(directory)) {
            return;
        }
        List<Path> files = EvidenceFiles.segments(directory);
        Instant cutoff = clock.instant().minus(settings.retention());
        List<String> removed = new ArrayList<>();
        long through = 0;
        for (int i = 0; i + 1 < files.size(); i++) {
            Path next = files.get(i + 1);
            if (next.equals(segment) && segmentSize == 0) {
                break;
            }
            EvidenceRecord first = firstRecord(next);
            if (first == null || !first.instant().isBefore(cutoff) || toDelete.contains(files.get(i))) {
                break;
            }
            removed.add(files.get(i).getFileName().toString());
            toDelete.add(files.get(i));
            through = EvidenceFiles.firstSeqOf(next) - 1;
        }
        if (!removed.isEmpty()) {
            ObjectNode data = JsonNodeFactory.instance.objectNode();
            data.put("removedThroughSeq", through);
            data.put("retentionDays", settings.retention().toDays());
            removed.forEach(data.putArray("segments")::add);
            chain(RecordTypes.RETENTION, data, clock.instant());
        }
    }

    private static EvidenceRecord firstRecord(Path file) {
        EvidenceRecord[] first = new EvidenceRecord[1];
        EvidenceFiles.lines(file, line -> {
            if (first[0] == null) {
                first[0] = EvidenceFiles.parse(line.text());
            }
        });
        return first[0];
    }

    /** Writes what is queued; false when something is still queued because a write failed. */
    public synchronized boolean flush() {
        while (!pending.isEmpty()) {
            Path file = pending.peek().segment();
            ByteArrayOutputStream batch = new ByteArrayOutputStream();
            List<Pending> written = new ArrayList<>();
            for (Pending p : pending) {
                if (!p.segment().equals(file)) {
                    break;
                }
                batch.writeBytes(p.bytes());
                written.add(p);
            }
            long position = committed.getOrDefault(file, 0L);
            try {
                if (file.getParent() != null) {
                    Files.createDirectories(file.getParent());
                }
                io.write(file, position, batch.toByteArray());
            } catch (IOException | RuntimeException e) {
                failed(e);
                return false;
            }
            committed.put(file, position + batch.size());
            written.forEach(p -> pending.poll());
            if (lastError != null) {
                LOG.infof("evidence log %s: writing again after an error; %d queued record(s) written", file, written.size());
                lastError = null;
            }
            for (Pending p : written) {
                if (p.record() != null) {
                    listeners.forEach(l -> l.accept(p.record()));
                }
            }
        }
        deleteRetired();
        return true;
    }

    private void deleteRetired() {
        for (var it = toDelete.iterator(); it.hasNext(); ) {
            Path file = it.next();
            try {
                io.delete(file);
                it.remove();
            } catch (IOException e) {
                LOG.warnf("evidence log: cannot remove %s after retention: %s (will retry)", file, e.getMessage());
                return;
            }
        }
    }

    private void failed(Exception e) {
        writeErrors++;
        lastError = String.valueOf(e.getMessage() == null ? e : e.getMessage());
        LOG.errorf("evidence log %s: write failed, %d record(s) queued for retry: %s",
                directory != null ? directory : segment, pending.size(), lastError);
    }

    /**
     * Resumes from the last segment: its last complete record is the head. Bytes after it are kept in a
     * recovered record that the next write puts in their place.
     */
    private void resume(List<Path> files) {
        for (int i = files.size() - 1; i >= 0; i--) {
            Path file = files.get(i);
            if (!Files.exists(file)) {
                continue;
            }
            Tail tail = tail(file);
            boolean last = i == files.size() - 1;
            if (last) {
                segment = file;
                committed.put(file, tail.validEnd());
                segmentSize = tail.validEnd();
            }
            if (tail.record() != null && head == null) {
                head = tail.record();
                if (segmentStart == null) {
                    segmentStart = last && tail.first() != null ? tail.first().instant() : clock.instant();
                }
            }
            if (last && tail.missingNewline()) {
                // The last record is complete; only its newline is missing.
                pending.add(new Pending(file, new byte[] {'\n'}, null));
                segmentSize++;
            } else if (last && tail.validEnd() < tail.size()) {
                recoverTail(file, tail);
            }
            if (head != null) {
                break;
            }
        }
        if (segment != null && segmentStart == null) {
            segmentStart = clock.instant();
        }
    }

    private record Tail(EvidenceRecord first, EvidenceRecord record, long validEnd, long size, boolean missingNewline, byte[] rest) {
    }

    private Tail tail(Path file) {
        EvidenceRecord[] found = new EvidenceRecord[2];
        long[] end = new long[1];
        boolean[] unterminated = new boolean[1];
        EvidenceFiles.lines(file, line -> {
            EvidenceRecord record = EvidenceFiles.parse(line.text());
            if (record != null) {
                if (found[0] == null) {
                    found[0] = record;
                }
                found[1] = record;
                end[0] = line.offset() + line.text().getBytes(StandardCharsets.UTF_8).length + (line.terminated() ? 1 : 0);
                unterminated[0] = !line.terminated();
            }
        });
        try {
            byte[] all = Files.readAllBytes(file);
            byte[] rest = java.util.Arrays.copyOfRange(all, (int) Math.min(end[0], all.length), all.length);
            return new Tail(found[0], found[1], end[0], all.length, unterminated[0], rest);
        } catch (IOException e) {
            throw new EvidenceFiles.UnreadableException(file + ": cannot read: " + e.getMessage());
        }
    }

    private void recoverTail(Path file, Tail tail) {
        String message = "evidence log " + file + ": " + tail.rest().length + " byte(s) after the last complete record (seq "
                + (head == null ? 0 : head.seq()) + ") at offset " + tail.validEnd() + ": a write cut short; kept in a recovered record";
        LOG.warn(message);
        warnings.add(message);
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        data.put("segment", file.getFileName().toString());
        data.put("offset", tail.validEnd());
        data.put("length", tail.rest().length);
        data.put("sha256", EvidenceRecord.sha256(tail.rest()));
        if (tail.rest().length <= INLINE_RECOVERED) {
            data.put("base64", Base64.getEncoder().encodeToString(tail.rest()));
        } else {
            Path side = file.resolveSibling(file.getFileName() + ".partial-" + tail.validEnd());
            try {
                Files.write(side, tail.rest());
            } catch (IOException e) {
                // Without the side copy the bytes would be lost: keep them in the file and do not resume here.
                throw new EvidenceFiles.UnreadableException(file + ": cannot keep the partial tail in " + side + ": " + e.getMessage());
            }
            data.put("file", side.getFileName().toString());
        }
        chain(RecordTypes.RECOVERED, data, clock.instant());
    }

    public synchronized EvidenceRecord head() {
        return head;
    }

    /** Whether every record appended so far is on disk. */
    public synchronized boolean healthy() {
        return pending.isEmpty();
    }

    public synchronized int queued() {
        return pending.size();
    }

    public synchronized long writeErrors() {
        return writeErrors;
    }

    public synchronized String lastError() {
        return lastError;
    }

    /** What opening found and repaired (partial lines), for the caller to report. */
    public synchronized List<String> warnings() {
        return List.copyOf(warnings);
    }
}
