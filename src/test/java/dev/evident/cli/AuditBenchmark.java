package dev.evident.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.evident.bench.EngineBenchmark;
import dev.evident.controls.StandardControls;
import dev.evident.engine.ControlCatalog;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.lang.ref.Reference;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import picocli.CommandLine;

/**
 * Offline audit against the parse-only floor: the same export parsed alone (whole JSON tree with Jackson, each YAML
 * document with snakeyaml-engine, the libraries the audit reads with), in the same JVM, one after the other. Exports
 * in the shape of {@code kubectl get -A} ({@link EngineBenchmark}'s cluster with server metadata and managedFields)
 * as a {@code kind: List} YAML, multi-document YAML and {@code -o json}, read from a file and from stdin. Prints
 * wall time and peak heap (sampled every 2 ms after a full GC) and their ratios; asserts nothing about them. A second
 * floor is the heap the decoded objects retain once read (what any audit judging cross-object controls must hold, and
 * what a multi-document floor of one document at a time does not). Not part
 * of the default run: {@code ./mvnw -B test -Dtest=AuditBenchmark -Devident.bench.namespaces=10000,30000}.
 */
class AuditBenchmark {
    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

    @Test
    void auditAgainstParseOnly() throws Exception {
        int[] sizes = Arrays.stream(System.getProperty("evident.bench.namespaces", "10000").split(",")).mapToInt(Integer::parseInt).toArray();
        Path dir = Files.createDirectories(Path.of("target/bench"));
        for (int namespaces : sizes) {
            Map<String, Path> exports = exports(dir, namespaces);
            measure(namespaces, "json", exports.get("json"), true); // JIT warm-up
            for (var e : exports.entrySet()) {
                String format = e.getKey();
                Path file = e.getValue();
                double[] floor = measure(() -> parseOnly(format, file));
                long retained = retained(file);
                for (boolean stdin : new boolean[] {false, true}) {
                    double[] audit = measure(namespaces, format, file, stdin);
                    System.out.printf("[AuditBenchmark] %,d namespaces, %-9s %-5s (%,d MB): audit %.1f s, peak heap %,d MB; parse-only %.1f s, %,d MB;"
                                    + " ratio time %.2f, memory %.2f (goal <= 2)%n",
                            namespaces, format, stdin ? "stdin" : "file", Files.size(file) >> 20, audit[0], (long) audit[1] >> 20,
                            floor[0], (long) floor[1] >> 20, audit[0] / floor[0], audit[1] / floor[1]);
                    System.out.printf("[AuditBenchmark] %,d namespaces, %-9s %-5s decoded objects retain %,d MB; peak heap / retained %.2f%n",
                            namespaces, format, stdin ? "stdin" : "file", retained >> 20, audit[1] / retained);
                }
            }
        }
    }

    private double[] measure(int namespaces, String format, Path file, boolean stdin) throws Exception {
        return measure(() -> {
            try (InputStream in = stdin ? Files.newInputStream(file) : InputStream.nullInputStream()) {
                CommandLine cli = EvidentCommand.commandLine(in, Clock.fixed(Instant.parse("2026-11-23T12:00:00Z"), ZoneOffset.UTC));
                cli.setOut(new PrintWriter(Writer.nullWriter()));
                cli.setErr(new PrintWriter(Writer.nullWriter()));
                int code = EvidentCommand.execute(cli, "audit", "--policy", "examples/policies", "--resources", stdin ? "-" : file.toString(),
                        "--output", "json");
                assertThat(code).as("%s %s at %d", format, stdin ? "stdin" : "file", namespaces).isIn(0, 1);
            }
            return null;
        });
    }

    /** Parses the export and keeps nothing: the floor. */
    private static Object parseOnly(String format, Path file) throws Exception {
        if (format.equals("json")) {
            return new ObjectMapper().readTree(file.toFile()).size();
        }
        long documents = 0;
        try (InputStream in = Files.newInputStream(file)) {
            for (Object ignored : new Load(LoadSettings.builder().setCodePointLimit(Integer.MAX_VALUE).build()).loadAllFromInputStream(in)) {
                documents++;
            }
        }
        return documents;
    }

    /** Heap bytes the objects decoded from the export retain, as the audit reads them, measured between full GCs. */
    private static long retained(Path file) {
        System.gc();
        long base = MEMORY.getHeapMemoryUsage().getUsed();
        ControlCatalog catalog = StandardControls.catalog();
        Inventory inventory = new Inventory(new ObjectDecoder(catalog.reads(), catalog.genericReads()), null);
        new ManifestReader(InputStream.nullInputStream()).readObjects(file.toString(), inventory);
        System.gc();
        long retained = MEMORY.getHeapMemoryUsage().getUsed() - base;
        Reference.reachabilityFence(inventory);
        return Math.max(1, retained);
    }

    /** Seconds and peak heap bytes of one run, measured from a collected heap. */
    private static double[] measure(Callable<?> run) throws Exception {
        System.gc();
        long base = MEMORY.getHeapMemoryUsage().getUsed();
        AtomicLong peak = new AtomicLong(base);
        AtomicBoolean done = new AtomicBoolean();
        Thread sampler = new Thread(() -> {
            while (!done.get()) {
                peak.accumulateAndGet(MEMORY.getHeapMemoryUsage().getUsed(), Math::max);
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        sampler.start();
        long start = System.nanoTime();
        run.call();
        double seconds = (System.nanoTime() - start) / 1e9;
        done.set(true);
        sampler.join();
        return new double[] {seconds, Math.max(1, peak.get() - base)};
    }

    /** The cluster as kubectl would export it: one List (JSON and YAML) and multi-document YAML. */
    private static Map<String, Path> exports(Path dir, int namespaces) throws Exception {
        Path json = dir.resolve("cluster-" + namespaces + ".json");
        Path list = dir.resolve("cluster-" + namespaces + "-list.yaml");
        Path docs = dir.resolve("cluster-" + namespaces + "-docs.yaml");
        if (!Files.exists(docs)) {
            KubernetesSerialization serialization = new KubernetesSerialization();
            List<HasMetadata> objects = EngineBenchmark.cluster(namespaces);
            for (int i = 0; i < objects.size(); i++) {
                HasMetadata o = objects.get(i);
                o.getMetadata().setUid(String.format("00000000-0000-0000-0000-%012d", i));
                o.getMetadata().setResourceVersion(String.valueOf(1000 + i));
                o.getMetadata().setCreationTimestamp("2026-11-01T10:00:00Z");
                o.getMetadata().setManagedFields(List.of(new ManagedFieldsEntryBuilder().withManager("kubectl-client-side-apply")
                        .withOperation("Update").withApiVersion(o.getApiVersion()).withTime("2026-11-01T10:00:00Z").withFieldsType("FieldsV1")
                        .withNewFieldsV1().addToAdditionalProperties("f:metadata", Map.of("f:labels", Map.of("f:team", Map.of()))).endFieldsV1()
                        .build()));
            }
            Files.writeString(json, serialization.asJson(Map.of("apiVersion", "v1", "kind", "List", "metadata", Map.of("resourceVersion", ""),
                    "items", objects)));
            // YAML through Jackson's YAML mapper from the JSON tree: one writer for all documents (fast at 180,000 objects).
            YAMLMapper yaml = new YAMLMapper();
            JsonNode tree = new ObjectMapper().readTree(json.toFile());
            yaml.writeValue(list.toFile(), tree);
            try (SequenceWriter w = yaml.writer().writeValues(docs.toFile())) {
                for (JsonNode item : tree.path("items")) {
                    w.write(item);
                }
            }
        }
        return Map.of("json", json, "yaml-list", list, "yaml-docs", docs);
    }
}
