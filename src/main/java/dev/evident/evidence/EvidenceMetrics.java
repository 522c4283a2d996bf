package dev.evident.evidence;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The evidence log's metrics (Prometheus names):
 * <ul>
 *   <li>{@code evident_evidence_records_total{type}} counter: records written, by type</li>
 *   <li>{@code evident_evidence_write_errors_total} counter: failed writes (records stay queued and are retried)</li>
 *   <li>{@code evident_evidence_chain_head_seq} gauge: seq of the last record appended</li>
 *   <li>{@code evident_evidence_queued_records} gauge: records appended but not yet on disk (0 when healthy)</li>
 *   <li>{@code evident_evidence_signing} gauge: 1 when checkpoints are signed, 0 when the key Secret is missing</li>
 * </ul>
 */
public final class EvidenceMetrics {
    public static final Map<String, List<String>> CATALOGUE = Map.of(
            "evident_evidence_records_total", List.of("type"),
            "evident_evidence_write_errors_total", List.of(),
            "evident_evidence_chain_head_seq", List.of(),
            "evident_evidence_queued_records", List.of(),
            "evident_evidence_signing", List.of());

    private final MeterRegistry registry;

    EvidenceMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void bind(EvidenceLog log, Supplier<Boolean> signing) {
        FunctionCounter.builder("evident.evidence.write.errors", log, EvidenceLog::writeErrors)
                .description("Failed evidence log writes; the records stay queued and are written again").register(registry);
        Gauge.builder("evident.evidence.chain.head.seq", log, l -> l.head() == null ? 0 : l.head().seq())
                .description("Seq of the last evidence record appended").register(registry);
        Gauge.builder("evident.evidence.queued.records", log, EvidenceLog::queued)
                .description("Evidence records appended but not yet written (0 when the log is healthy)").register(registry);
        Gauge.builder("evident.evidence.signing", signing, s -> s.get() ? 1 : 0).strongReference(true)
                .description("1 when evidence checkpoints are signed, 0 when the signing key is missing").register(registry);
        log.onWritten(r -> Counter.builder("evident.evidence.records").description("Evidence records written, by type")
                .tag("type", r.type()).register(registry).increment());
    }
}
