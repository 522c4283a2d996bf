package dev.evident.cli;

import static dev.evident.cli.Cli.namespace;
import static dev.evident.cli.Cli.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.evident.controls.StandardControls;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestReaderTest {
    @TempDir
    Path dir;

    private final ManifestReader reader = new ManifestReader(InputStream.nullInputStream());
    private final ObjectDecoder decoder = new ObjectDecoder(StandardControls.catalog().reads());

    private List<HasMetadata> objects(List<Manifest> manifests) {
        return manifests.stream().map(decoder::object).map(ObjectDecoder.Decoded::object).filter(java.util.Objects::nonNull).toList();
    }

    @Test
    void listKindsAreUnpackedWithTheLineOfEachItem() {
        Path file = write(dir, "list.yaml", """
                apiVersion: v1
                kind: List
                items:
                - apiVersion: v1
                  kind: Namespace
                  metadata: {name: a}
                - apiVersion: networking.k8s.io/v1
                  kind: NetworkPolicy
                  metadata: {name: p, namespace: a}
                  spec: {podSelector: {}}
                """);

        List<Manifest> manifests = reader.read(file.toString());

        assertEquals(List.of(file + ":4", file + ":7"), manifests.stream().map(Manifest::where).toList());
        List<HasMetadata> objects = objects(manifests);
        assertInstanceOf(Namespace.class, objects.get(0));
        assertInstanceOf(NetworkPolicy.class, objects.get(1));
    }

    @Test
    void typedListsAsKubectlPrintsThemAndJson() {
        write(dir, "ns.json", """
                {"apiVersion": "v1", "kind": "NamespaceList", "items": [
                  {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "a"}}
                ]}
                """);
        assertEquals("a", objects(reader.read(dir.toString())).get(0).getMetadata().getName());
    }

    @Test
    void directoriesAreReadRecursivelyInSortedOrderSkippingOtherFilesAndEmptyDocuments() {
        write(dir, "b/z.yml", namespace("z", null));
        write(dir, "b/a.json", "{\"apiVersion\": \"v1\", \"kind\": \"Namespace\", \"metadata\": {\"name\": \"ja\"}}");
        write(dir, "a.yaml", "---\n# only a comment\n---\n" + namespace("first", null) + "---\n");
        write(dir, "notes.txt", "not: [yaml");
        write(dir, "c/README.md", "# nothing");

        List<String> names = objects(reader.read(dir.toString())).stream().map(o -> o.getMetadata().getName()).toList();

        assertEquals(List.of("first", "ja", "z"), names);
    }

    @Test
    void unknownKindsAreIgnored() {
        Path file = write(dir, "crd.yaml", """
                apiVersion: example.com/v1
                kind: Widget
                metadata: {name: w}
                ---
                """ + namespace("a", null));

        assertEquals(List.of("a"), objects(reader.read(file.toString())).stream().map(o -> o.getMetadata().getName()).toList());
    }

    /** Objects to judge are built without managedFields (from YAML and JSON, documents and List items); a policy keeps them. */
    @Test
    void objectsToJudgeAreReadWithoutManagedFields() {
        String managed = "managedFields: [{manager: kubectl, operation: Update, fieldsV1: {f:metadata: {f:labels: {}}}}]";
        Path yaml = write(dir, "docs.yaml", """
                apiVersion: v1
                kind: Namespace
                metadata: {name: a, %s}
                ---
                apiVersion: v1
                kind: List
                items:
                - apiVersion: v1
                  kind: Namespace
                  metadata: {name: b, %s}
                  spec: {managedFields: kept}
                """.formatted(managed, managed));
        Path json = write(dir, "list.json", """
                {"apiVersion": "v1", "kind": "List", "items": [{"apiVersion": "v1", "kind": "Namespace",
                  "metadata": {"name": "c", "managedFields": [{"manager": "kubectl", "fieldsV1": {"f:metadata": {}}}], "labels": {"x": "y"}}}]}
                """);

        List<Manifest> judged = new java.util.ArrayList<>();
        reader.readObjects(yaml.toString(), judged::add);
        reader.readObjects(json.toString(), judged::add);

        assertEquals(List.of("a", "b", "c"), judged.stream().map(Manifest::name).toList());
        judged.forEach(m -> assertNull(m.body().path("metadata").get("managedFields"), m.where()));
        assertEquals("kept", judged.get(1).body().path("spec").path("managedFields").asText());
        assertEquals("y", judged.get(2).body().path("metadata").path("labels").path("x").asText());
        assertEquals("kubectl", reader.read(yaml.toString()).get(0).body().path("metadata").path("managedFields").path(0).path("manager").asText());
    }

    @Test
    void anAliasToAnAnchorInManagedFieldsSaysItIsNotRead() {
        Path file = write(dir, "alias.yaml", """
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: a
                  managedFields: &m [{manager: kubectl}]
                  labels: *m
                """);

        InputException e = assertThrows(InputException.class, () -> reader.readObjects(file.toString(), m -> { }));

        assertEquals(file + ":6: alias *m names an anchor in metadata.managedFields, which is not read", e.getMessage());
    }

    @Test
    void secretDataIsDroppedOnRead() {
        Path file = write(dir, "secret.yaml", """
                apiVersion: v1
                kind: Secret
                metadata:
                  name: tls
                  namespace: a
                  annotations: {kubectl.kubernetes.io/last-applied-configuration: '{"data":{"tls.key":"c2VjcmV0"}}'}
                type: kubernetes.io/tls
                data: {tls.key: c2VjcmV0}
                stringData: {password: hunter2}
                """);

        Secret secret = (Secret) objects(reader.read(file.toString())).get(0);

        assertEquals("kubernetes.io/tls", secret.getType());
        assertNull(secret.getData());
        assertNull(secret.getStringData());
        assertEquals(java.util.Map.of(), secret.getMetadata().getAnnotations());
    }

    @Test
    void wrongFieldTypeNamesLineAndField() {
        Path file = write(dir, "np.yaml", """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: p, namespace: a}
                spec:
                  podSelector: {}
                  policyTypes: {Ingress: true}
                """);

        InputException e = assertThrows(InputException.class, () -> objects(reader.read(file.toString())));
        assertEquals(file + ":6: NetworkPolicy p: spec.policyTypes:", e.getMessage().substring(0, e.getMessage().indexOf("policyTypes:") + 12));
    }

    @Test
    void scalarDocumentIsAnError() {
        Path file = write(dir, "s.yaml", namespace("a", null) + "---\njust text\n");

        InputException e = assertThrows(InputException.class, () -> reader.read(file.toString()));
        assertEquals(file + ":7: expected a Kubernetes object, found a scalar", e.getMessage());
    }
}
