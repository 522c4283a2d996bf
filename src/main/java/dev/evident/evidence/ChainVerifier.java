package dev.evident.evidence;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Verifies a log: every line is a record in canonical form whose hash matches its content; seq counts up by
 * one from 1 (or from where a {@code retention} record says older segments were removed); each prev is the
 * previous record's hash; each checkpoint signs the record just before it (and, given a public key, its
 * signature verifies); and every external anchor (a checkpoint published outside the log) is in the chain.
 * The chain alone cannot show that records were cut off the end: an anchor or a later checkpoint can.
 */
public final class ChainVerifier {

    /** A chain head known from outside the log (a published checkpoint): the log must hold seq with this hash. */
    public record Anchor(long seq, String hash) {
    }

    public record Verification(boolean intact, String problem, long records, long firstSeq, long lastSeq, String headHash,
                               String headTime, int checkpoints, int signedCheckpoints, long lastSignedSeq, List<String> notes) {
    }

    private final List<Anchor> anchors;
    private final PublicKey publicKey;

    public ChainVerifier(List<Anchor> anchors, PublicKey publicKey) {
        this.anchors = List.copyOf(anchors);
        this.publicKey = publicKey;
    }

    /** Verifies the log at path (a file or a segment directory); each record that parses goes to sink. */
    public Verification verify(Path path, Consumer<EvidenceRecord> sink) {
        State state = new State(sink);
        boolean directory = java.nio.file.Files.isDirectory(path);
        for (Path file : EvidenceFiles.files(path)) {
            state.startFile(file, directory);
            EvidenceFiles.lines(file, state::line);
        }
        return state.finish();
    }

    public Verification verify(Path path) {
        return verify(path, r -> { });
    }

    private final class State {
        final Consumer<EvidenceRecord> sink;
        final Map<Long, String> anchorHashes = new HashMap<>();
        final List<String> notes = new ArrayList<>();
        String problem;
        EvidenceRecord last;
        long records;
        long firstSeq = -1;
        long retainedFrom = 1;
        int checkpoints;
        int signed;
        long lastSignedSeq;
        boolean fileStart;
        long fileFirstSeq;

        State(Consumer<EvidenceRecord> sink) {
            this.sink = sink;
            for (Anchor a : anchors) {
                anchorHashes.put(a.seq(), a.hash());
            }
        }

        void startFile(Path file, boolean directory) {
            fileStart = true;
            fileFirstSeq = directory ? EvidenceFiles.firstSeqOf(file) : -1;
        }

        void fail(String message) {
            if (problem == null) {
                problem = message;
            }
        }

        String after() {
            return last == null ? "before the first record" : "after seq " + last.seq();
        }

        void line(EvidenceFiles.Line line) {
            EvidenceRecord record = EvidenceFiles.parse(line.text());
            if (record == null) {
                fail((line.text() != null && line.text().isEmpty() ? "blank line " : "not an evidence record in canonical form ")
                        + after() + " (" + line.where() + (line.terminated() ? "" : ", partial last line") + ")");
                return;
            }
            sink.accept(record);
            records++;
            if (!line.terminated()) {
                fail("seq " + record.seq() + ": last line has no newline (partial write) (" + line.where() + ")");
            }
            if (!record.hashMatches()) {
                fail("seq " + record.seq() + ": hash does not match the record's content (edited) (" + line.where() + ")");
            }
            if (fileStart && fileFirstSeq >= 0 && record.seq() != fileFirstSeq) {
                fail("seq " + record.seq() + ": segment " + line.file().getFileName() + " must start at seq " + fileFirstSeq
                        + " (records removed or reordered)");
            }
            fileStart = false;
            if (last == null) {
                firstSeq = record.seq();
                if (record.seq() == 1 && !EvidenceRecord.GENESIS.equals(record.prev())) {
                    fail("seq 1: prev is not the genesis hash");
                }
            } else {
                if (record.seq() != last.seq() + 1) {
                    fail("seq " + record.seq() + ": expected seq " + (last.seq() + 1) + " (records removed, inserted or reordered) ("
                            + line.where() + ")");
                } else if (!record.prev().equals(last.hash())) {
                    fail("seq " + record.seq() + ": prev is not the hash of seq " + last.seq() + " (" + line.where() + ")");
                }
            }
            String expected = anchorHashes.remove(record.seq());
            if (expected != null && !expected.equals(record.hash())) {
                fail("seq " + record.seq() + ": hash differs from the published checkpoint (" + expected + ")");
            }
            if (RecordTypes.CHECKPOINT.equals(record.type())) {
                checkpoint(record);
            } else if (RecordTypes.RETENTION.equals(record.type())) {
                retainedFrom = Math.max(retainedFrom, record.data().path("removedThroughSeq").asLong(0) + 1);
            }
            last = record;
        }

        void checkpoint(EvidenceRecord record) {
            checkpoints++;
            JsonNode data = record.data();
            if (last == null || data.path("seq").asLong() != last.seq() || !last.hash().equals(data.path("hash").asText())
                    || !last.time().equals(data.path("time").asText())) {
                fail("seq " + record.seq() + ": checkpoint does not match the record before it");
                return;
            }
            if (publicKey != null) {
                if (Checkpoints.verify(record.data(), publicKey)) {
                    signed++;
                    lastSignedSeq = record.seq();
                } else {
                    fail("seq " + record.seq() + ": checkpoint signature does not verify with the public key");
                }
            }
        }

        Verification finish() {
            if (last == null) {
                fail("no records");
            } else if (firstSeq > 1 && firstSeq > retainedFrom) {
                fail("seq " + firstSeq + ": the log starts here, but no retention record says seq 1-" + (firstSeq - 1) + " were removed");
            } else if (firstSeq > 1) {
                notes.add("seq 1-" + (firstSeq - 1) + " were removed by retention");
            }
            for (Map.Entry<Long, String> missing : anchorHashes.entrySet()) {
                fail("seq " + missing.getKey() + ": a published checkpoint names it, but the log ends at seq "
                        + (last == null ? 0 : last.seq()) + " (records removed from the end)");
            }
            if (publicKey != null && problem == null) {
                if (signed == 0) {
                    fail("no checkpoint in the log is signed with this public key");
                } else if (last.seq() > lastSignedSeq) {
                    notes.add((last.seq() - lastSignedSeq) + " record(s) after the last signed checkpoint (seq " + lastSignedSeq
                            + ") are covered by the chain only");
                }
            }
            return new Verification(problem == null, problem, records, Math.max(firstSeq, 0), last == null ? 0 : last.seq(),
                    last == null ? null : last.hash(), last == null ? null : last.time(), checkpoints, signed, lastSignedSeq, notes);
        }
    }
}
