package dev.evident.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.evident.evidence.ChainVerifier;
import dev.evident.evidence.Checkpoints;
import dev.evident.evidence.EvidenceFiles;
import dev.evident.evidence.RecordTypes;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code evidence verify}: checks an evidence log's hash chain and signed checkpoints. */
@Command(name = "evidence",
        mixinStandardHelpOptions = true,
        description = "Work with evidence logs.",
        subcommands = EvidenceCommand.Verify.class)
public final class EvidenceCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "verify",
            mixinStandardHelpOptions = true,
            description = "Verify an evidence log (a file, or a directory of segments): hash chain, order, checkpoints.",
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {
                "0:the chain is intact",
                "1:a record was edited, removed, inserted or reordered (the message names the first bad seq)",
                "2:unreadable input (no such file, not a directory of segments, bad key or checkpoint file)"})
    static final class Verify implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "<file|dir>", description = "The evidence log: a file or a directory of segments.")
        Path log;

        @Option(names = "--public-key", paramLabel = "<file>",
                description = "Ed25519 public key (PEM, as openssl pkey -pubout writes it): every checkpoint must be signed by it.")
        Path publicKey;

        @Option(names = "--checkpoint", paramLabel = "<file>",
                description = "Checkpoints published outside the log (JSON lines from stdout or Events): each must be in the chain.")
        Path checkpoints;

        @Override
        public Integer call() {
            PublicKey key = publicKey == null ? null : readPublicKey(publicKey);
            List<ChainVerifier.Anchor> anchors = checkpoints == null ? List.of() : readAnchors(checkpoints, key);
            ChainVerifier.Verification v;
            try {
                v = new ChainVerifier(anchors, key).verify(log);
            } catch (EvidenceFiles.UnreadableException e) {
                throw new InputException(e.getMessage());
            }
            PrintWriter out = spec.commandLine().getOut();
            if (!v.intact()) {
                PrintWriter err = spec.commandLine().getErr();
                err.println(log + ": TAMPERED: " + v.problem());
                err.flush();
                return 1;
            }
            out.printf("%s: intact: %d records, seq %d-%d, head %s at %s%n", log, v.records(), v.firstSeq(), v.lastSeq(), v.headHash(), v.headTime());
            out.printf("checkpoints: %d%s%n", v.checkpoints(),
                    key == null ? " (signatures not checked: give --public-key)" : ", " + v.signedCheckpoints() + " signed with key " + Checkpoints.keyId(key));
            if (anchors.isEmpty()) {
                out.println("note: records cut off the end of a log leave a valid chain; compare the head with a published checkpoint (--checkpoint)");
            } else {
                out.printf("published checkpoints found in the chain: %d%n", anchors.size());
            }
            v.notes().forEach(n -> out.println("note: " + n));
            out.flush();
            return 0;
        }

        private static PublicKey readPublicKey(Path file) {
            try {
                return Checkpoints.publicKey(Files.readString(file));
            } catch (IOException e) {
                throw new InputException(file + ": cannot read public key: " + e.getMessage());
            } catch (IllegalArgumentException e) {
                throw new InputException(file + ": " + e.getMessage());
            }
        }

        /** Checkpoint lines, or any record lines (their own seq and hash), one JSON object a line. */
        private static List<ChainVerifier.Anchor> readAnchors(Path file, PublicKey key) {
            List<String> lines;
            try {
                lines = Files.readAllLines(file);
            } catch (IOException e) {
                throw new InputException(file + ": cannot read checkpoints: " + e.getMessage());
            }
            ObjectMapper json = new ObjectMapper();
            List<ChainVerifier.Anchor> anchors = new ArrayList<>();
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).strip();
                if (line.isEmpty()) {
                    continue;
                }
                String where = file + ":" + (i + 1);
                JsonNode node;
                try {
                    node = json.readTree(line.substring(Math.max(0, line.indexOf('{'))));
                } catch (IOException e) {
                    throw new InputException(where + ": not a JSON checkpoint");
                }
                JsonNode head = RecordTypes.CHECKPOINT.equals(node.path("type").asText()) ? node.path("data") : node;
                if (!head.path("seq").canConvertToLong() || !head.path("hash").isTextual()) {
                    throw new InputException(where + ": a checkpoint needs seq and hash");
                }
                if (key != null && head.has("signature") && !Checkpoints.verify((ObjectNode) head, key)) {
                    throw new InputException(where + ": the published checkpoint's signature does not verify with the public key");
                }
                anchors.add(new ChainVerifier.Anchor(head.path("seq").asLong(), head.path("hash").asText()));
            }
            if (anchors.isEmpty()) {
                throw new InputException(file + ": no checkpoints");
            }
            return anchors;
        }
    }
}
