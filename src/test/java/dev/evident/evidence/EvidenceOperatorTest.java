package dev.evident.evidence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.evident.api.v1alpha1.ControlPolicy;
import dev.evident.api.v1alpha1.ControlPolicySpec;
import dev.evident.api.v1alpha1.ControlSpec;
import dev.evident.api.v1alpha1.Mode;
import dev.evident.api.v1alpha1.PodSecurityLevelSpec;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The live evidence log on the Fabric8 mock API server (MockKubernetes, declared globally by the operator tests). */
@QuarkusTest
class EvidenceOperatorTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String POLICY = "evidence-1";

    @Inject
    KubernetesClient client;

    @Inject
    EvidenceRecorder recorder;

    @ConfigProperty(name = "quarkus.http.test-port", defaultValue = "8081")
    int httpPort;

    @AfterEach
    void deletePolicies() {
        client.resources(ControlPolicy.class).withName(POLICY).delete();
    }

    @Test
    void findingsRemediationFreeChangesAndTheReportEndpoint() throws Exception {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("ev-a").addToLabels("test", POLICY)
                .endMetadata().build()).create();
        client.resource(policy()).create();

        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertThat(mine()).extracting(this::describe)
                .contains("policy", "finding ev-a fail", "run"));
        assertThat(recorder.writeHealthy()).isTrue();

        client.namespaces().withName("ev-a").edit(ns -> {
            ns.getMetadata().getLabels().put("pod-security.kubernetes.io/enforce", "restricted");
            return ns;
        });
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertThat(mine()).extracting(this::describe).contains("finding ev-a pass"));

        String today = LocalDate.now(ZoneOffset.UTC).toString();
        HttpResponse<String> json = get("/evidence/report?from=" + today + "&to=" + today + "&format=json");
        assertThat(json.statusCode()).as(json.body()).isEqualTo(200);
        assertThat(json.headers().firstValue("X-Evident-Chain-Verified")).hasValue("true");
        JsonNode report = EvidenceRecord.JSON.readTree(json.body());
        assertThat(report.at("/chain/verified").asBoolean()).isTrue();
        assertThat(report.path("criteria").findValuesAsText("criterion")).contains("CC6.8");
        JsonNode violation = java.util.stream.StreamSupport.stream(report.path("violations").spliterator(), false)
                .filter(v -> v.path("policy").asText().equals(POLICY)).findFirst().orElseThrow();
        assertThat(violation.path("name").asText()).isEqualTo("ev-a");
        assertThat(violation.path("resolution").asText()).isEqualTo("fixed");
        assertThat(violation.path("timeToRemediateSeconds").asLong()).isGreaterThanOrEqualTo(0);

        HttpResponse<String> html = get("/evidence/report?from=" + today + "&to=" + today + "&format=html");
        assertThat(html.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(html.body()).contains("Evident evidence report");
        HttpResponse<String> bad = get("/evidence/report?from=yesterday&to=" + today);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("from: 'yesterday' is not a date");

        String metrics = get("/q/metrics").body();
        assertThat(metrics).containsPattern("evident_evidence_records_total\\{type=\"finding\"\\} [1-9]")
                .contains("evident_evidence_chain_head_seq").contains("evident_evidence_write_errors_total 0.0")
                .contains("evident_evidence_signing 0.0");

        ChainVerifier.Verification v = new ChainVerifier(List.of(), null).verify(recorder.directory());
        assertThat(v.intact()).as(v.problem()).isTrue();
    }

    private List<EvidenceRecord> mine() {
        return EvidenceFiles.records(recorder.directory()).stream().filter(r -> POLICY.equals(r.data().path("policy").asText())).toList();
    }

    private String describe(EvidenceRecord r) {
        return r.type().equals(RecordTypes.FINDING) ? "finding " + r.data().path("name").asText() + " " + r.data().path("result").asText() : r.type();
    }

    private static ControlPolicy policy() {
        ControlPolicy p = new ControlPolicy();
        p.setMetadata(new ObjectMetaBuilder().withName(POLICY).build());
        p.setSpec(new ControlPolicySpec());
        p.getSpec().setMode(Mode.Audit);
        p.getSpec().setNamespaceSelector(new io.fabric8.kubernetes.api.model.LabelSelectorBuilder().addToMatchLabels("test", POLICY).build());
        ControlSpec pss = new ControlSpec();
        pss.setId("PSS-001");
        pss.setType("PodSecurityLevel");
        PodSecurityLevelSpec level = new PodSecurityLevelSpec();
        level.setLevel("restricted");
        pss.setPodSecurityLevel(level);
        p.getSpec().setControls(List.of(pss));
        return p;
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(java.time.Duration.ofSeconds(10)).build().send(HttpRequest.newBuilder(URI.create("http://localhost:" + httpPort + path)).timeout(java.time.Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
