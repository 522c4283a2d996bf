package dev.evident.controls.encryption;

import static dev.evident.engine.Fixtures.namespace;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.evident.api.v1alpha1.ControlSpec;
import dev.evident.api.v1alpha1.EncryptedStorageSpec;
import dev.evident.engine.Finding;
import dev.evident.engine.ObjectRef;
import dev.evident.engine.Result;
import dev.evident.engine.Fixtures;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EncryptedStorageTest {
    private static final String EBS = "ebs.csi.aws.com";
    private final EncryptedStorage control = new EncryptedStorage();

    private static StorageClass sc(String name, String provisioner, Map<String, String> parameters) {
        return new StorageClassBuilder().withNewMetadata().withName(name).withCreationTimestamp("2024-01-01T00:00:00Z").endMetadata()
                .withProvisioner(provisioner).withParameters(parameters).build();
    }

    private static StorageClass defaultSc(String name, String created, Map<String, String> parameters) {
        return new StorageClassBuilder(sc(name, EBS, parameters)).editMetadata()
                .withCreationTimestamp(created)
                .addToAnnotations("storageclass.kubernetes.io/is-default-class", "true").endMetadata().build();
    }

    private static PersistentVolumeClaim pvc(String namespace, String name, String storageClassName) {
        return new PersistentVolumeClaimBuilder().withNewMetadata().withNamespace(namespace).withName(name).endMetadata()
                .withNewSpec().withStorageClassName(storageClassName).withAccessModes("ReadWriteOnce").endSpec().build();
    }

    private static ControlSpec spec(List<String> allowed) {
        return Fixtures.configured(EncryptedStorage.TYPE, c -> {
            EncryptedStorageSpec s = new EncryptedStorageSpec();
            s.setAllowedStorageClasses(allowed);
            Map<String, Map<String, String>> required = new LinkedHashMap<>();
            required.put(EBS, Map.of("encrypted", "true"));
            required.put("pd.csi.storage.gke.io", Map.of());
            s.setRequiredParameters(required);
            c.setEncryptedStorage(s);
        });
    }

    private List<Finding> evaluate(ControlSpec spec, HasMetadata... objects) {
        List<HasMetadata> all = new ArrayList<>(List.of(namespace("payments"), namespace("analytics"), namespace("kube-system")));
        all.addAll(List.of(objects));
        return control.evaluate(Fixtures.context(control, spec, all.toArray(HasMetadata[]::new)));
    }

    private Finding only(HasMetadata... objects) {
        List<Finding> findings = evaluate(spec(List.of("platform-encrypted")), objects);
        assertEquals(1, findings.size(), () -> "findings: " + findings);
        Finding f = findings.get(0);
        assertNull(f.remediation(), "EncryptedStorage never plans a remediation");
        if (f.result() == Result.FAIL) {
            assertTrue(f.message().contains("cannot be re-encrypted in place"), f.message());
        }
        return f;
    }

    @Test
    void requiredParametersMatchPasses() {
        Finding f = only(sc("gp3-enc", EBS, Map.of("encrypted", "true", "type", "gp3")), pvc("payments", "db", "gp3-enc"));
        assertEquals(Result.PASS, f.result());
        assertEquals("RequiredParametersMet", f.reason());
        assertEquals(new ObjectRef("PersistentVolumeClaim", "payments", "db"), f.object());
    }

    @Test
    void missingParameterFails() {
        Finding f = only(sc("gp3", EBS, Map.of("type", "gp3")), pvc("payments", "db", "gp3"));
        assertEquals(Result.FAIL, f.result());
        assertEquals("RequiredParametersNotMet", f.reason());
        assertTrue(f.message().contains("encrypted missing"), f.message());
    }

    @Test
    void mismatchedParameterFails() {
        Finding f = only(sc("gp3", EBS, Map.of("encrypted", "false")), pvc("payments", "db", "gp3"));
        assertEquals(Result.FAIL, f.result());
        assertEquals("RequiredParametersNotMet", f.reason());
        assertTrue(f.message().contains("encrypted=\"false\" (want \"true\")"), f.message());
    }

    @Test
    void allowedClassPassesWhateverItsParameters() {
        Finding f = only(sc("platform-encrypted", "example.com/nfs", Map.of()), pvc("payments", "db", "platform-encrypted"));
        assertEquals(Result.PASS, f.result());
        assertEquals("StorageClassAllowed", f.reason());
    }

    @Test
    void provisionerWithEmptyRequirementsIsAccepted() {
        Finding f = only(sc("standard-rwo", "pd.csi.storage.gke.io", Map.of("type", "pd-balanced")), pvc("payments", "db", "standard-rwo"));
        assertEquals(Result.PASS, f.result());
    }

    @Test
    void provisionerNotCoveredFails() {
        Finding f = only(sc("local", "kubernetes.io/no-provisioner", null), pvc("payments", "db", "local"));
        assertEquals(Result.FAIL, f.result());
        assertEquals("ProvisionerNotCovered", f.reason());
        assertTrue(f.message().contains("kubernetes.io/no-provisioner"), f.message());
    }

    @Test
    void unknownClassFails() {
        Finding f = only(pvc("payments", "db", "gone"));
        assertEquals(Result.FAIL, f.result());
        assertEquals("StorageClassNotFound", f.reason());
    }

    @Test
    void emptyClassNameMeansNoClass() {
        Finding f = only(defaultSc("gp3-enc", "2024-01-01T00:00:00Z", Map.of("encrypted", "true")), pvc("payments", "db", ""));
        assertEquals(Result.FAIL, f.result());
        assertEquals("NoStorageClass", f.reason());
    }

    @Test
    void nullClassNameUsesTheDefault() {
        Finding f = only(sc("gp3", EBS, Map.of()), defaultSc("gp3-enc", "2024-01-01T00:00:00Z", Map.of("encrypted", "true")),
                pvc("payments", "db", null));
        assertEquals(Result.PASS, f.result());
        assertTrue(f.message().contains("default StorageClass gp3-enc"), f.message());
    }

    @Test
    void nullClassNameWithoutDefaultFails() {
        Finding f = only(sc("gp3-enc", EBS, Map.of("encrypted", "true")), pvc("payments", "db", null));
        assertEquals(Result.FAIL, f.result());
        assertEquals("NoDefaultStorageClass", f.reason());
    }

    @Test
    void annotationOtherThanTrueIsNotDefault() {
        StorageClass notDefault = new StorageClassBuilder(sc("gp3-enc", EBS, Map.of("encrypted", "true")))
                .editMetadata().addToAnnotations("storageclass.kubernetes.io/is-default-class", "false").endMetadata().build();
        assertEquals("NoDefaultStorageClass", only(notDefault, pvc("payments", "db", null)).reason());
    }

    @Test
    void severalDefaultsTheNewestWins() {
        Finding f = only(
                defaultSc("old-enc", "2023-01-01T00:00:00Z", Map.of("encrypted", "true")),
                defaultSc("new-plain", "2024-06-01T00:00:00Z", Map.of("encrypted", "false")),
                pvc("payments", "db", null));
        assertEquals(Result.FAIL, f.result());
        assertTrue(f.message().contains("default StorageClass new-plain"), f.message());
    }

    @Test
    void severalDefaultsOfTheSameAgeTheFirstNameWins() {
        Finding f = only(
                defaultSc("b-plain", "2024-01-01T00:00:00Z", Map.of()),
                defaultSc("a-enc", "2024-01-01T00:00:00Z", Map.of("encrypted", "true")),
                pvc("payments", "db", null));
        assertEquals(Result.PASS, f.result());
        assertTrue(f.message().contains("default StorageClass a-enc"), f.message());
    }

    @Test
    void betaDefaultAnnotationCounts() {
        StorageClass beta = new StorageClassBuilder(sc("gp2", EBS, Map.of("encrypted", "true")))
                .editMetadata().addToAnnotations("storageclass.beta.kubernetes.io/is-default-class", "true").endMetadata().build();
        assertEquals(Result.PASS, only(beta, pvc("payments", "db", null)).result());
    }

    @Test
    void onePerClaimInSelectedNamespacesOnly() {
        List<Finding> findings = evaluate(spec(List.of()), sc("gp3-enc", EBS, Map.of("encrypted", "true")),
                pvc("payments", "a", "gp3-enc"), pvc("analytics", "b", "missing"), pvc("kube-system", "c", "missing"));
        assertEquals(List.of("a", "b"), findings.stream().map(f -> f.object().name()).sorted().toList());
    }

    @Test
    void validateRejectsNullParameterValues() {
        Map<String, String> params = new HashMap<>();
        params.put("encrypted", null);
        ControlSpec spec = Fixtures.configured(EncryptedStorage.TYPE, c -> {
            EncryptedStorageSpec s = new EncryptedStorageSpec();
            s.getRequiredParameters().put(EBS, params);
            c.setEncryptedStorage(s);
        });
        assertEquals(List.of("encryptedStorage.requiredParameters.ebs.csi.aws.com.encrypted: value required"), control.validate(spec));
        assertEquals(List.of(), control.validate(spec(List.of())));
    }

    // --- StatefulSet volumeClaimTemplates and unbound PersistentVolumes (issue 12 item 6) --------------------

    private static io.fabric8.kubernetes.api.model.apps.StatefulSet statefulSet(String namespace, String name, PersistentVolumeClaim... templates) {
        return new io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder().withNewMetadata().withNamespace(namespace).withName(name).endMetadata()
                .withNewSpec().withServiceName(name).withVolumeClaimTemplates(templates).endSpec().build();
    }

    private static io.fabric8.kubernetes.api.model.PersistentVolume pv(String name, String storageClassName, boolean bound) {
        var b = new io.fabric8.kubernetes.api.model.PersistentVolumeBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewSpec().withStorageClassName(storageClassName).addToCapacity("storage", new io.fabric8.kubernetes.api.model.Quantity("10Gi"));
        if (bound) {
            b = b.withNewClaimRef().withNamespace("payments").withName("db").endClaimRef();
        }
        return b.endSpec().build();
    }

    @Test
    void statefulSetTemplatesAreJudgedBeforeAnyClaimExists() {
        Finding f = only(sc("gp3-enc", EBS, Map.of("encrypted", "true")), sc("gp3", EBS, Map.of("type", "gp3")),
                statefulSet("payments", "postgres", pvc(null, "data", "gp3-enc"), pvc(null, "wal", "gp3")));
        assertEquals(Result.FAIL, f.result());
        assertEquals("RequiredParametersNotMet", f.reason());
        assertEquals(new ObjectRef("StatefulSet", "payments", "postgres"), f.object());
        assertTrue(f.message().contains("volumeClaimTemplate data: StorageClass gp3-enc"), f.message());
        assertTrue(f.message().contains("volumeClaimTemplate wal: StorageClass gp3 (ebs.csi.aws.com): encrypted missing"), f.message());
    }

    @Test
    void statefulSetTemplatesPassWithTheDefaultOrAnAllowedClass() {
        Finding f = only(defaultSc("gp3-enc", "2024-01-01T00:00:00Z", Map.of("encrypted", "true")), sc("platform-encrypted", "x", Map.of()),
                statefulSet("payments", "kafka", pvc(null, "logs", null), pvc(null, "data", "platform-encrypted")));
        assertEquals(Result.PASS, f.result(), f::message);
        assertEquals("VolumeClaimTemplatesCompliant", f.reason());
    }

    @Test
    void statefulSetsWithoutTemplatesOrOutsideSelectedNamespacesAreNotJudged() {
        List<Finding> findings = evaluate(spec(List.of()), statefulSet("payments", "stateless"),
                statefulSet("kube-system", "etcd", pvc(null, "data", "gp3")));
        assertEquals(List.of(), findings);
    }

    @Test
    void unboundVolumesAreJudgedOnTheirClass() {
        List<Finding> findings = evaluate(spec(List.of()), sc("gp3-enc", EBS, Map.of("encrypted", "true")), sc("gp3", EBS, Map.of()),
                pv("pv-enc", "gp3-enc", false), pv("pv-plain", "gp3", false), pv("pv-static", null, false), pv("pv-bound", "gp3", true));
        assertEquals(List.of("pv-enc PASS RequiredParametersMet", "pv-plain FAIL RequiredParametersNotMet", "pv-static FAIL NoStorageClass"),
                findings.stream().map(f -> f.object().name() + " " + f.result() + " " + f.reason()).toList());
        assertEquals(new ObjectRef("PersistentVolume", null, "pv-enc"), findings.get(0).object());
    }
}
