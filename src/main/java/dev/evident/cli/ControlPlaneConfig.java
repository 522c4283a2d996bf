package dev.evident.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.evident.controls.controlplane.ApiServer;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code --control-plane-config DIR}: the API server's configuration files (audit policy, encryption
 * configuration) copied from a control-plane node. Each becomes an object of the snapshot named by its file
 * name, which is how the controls match it to the path a kube-apiserver flag names.
 */
final class ControlPlaneConfig {
    /** apiVersion group and kind of the files read. */
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> KINDS = Set.of("audit.k8s.io/Policy", "apiserver.config.k8s.io/EncryptionConfiguration");

    private ControlPlaneConfig() {
    }

    static List<HasMetadata> read(ManifestReader reader, String location) {
        List<HasMetadata> files = new ArrayList<>();
        for (Manifest manifest : reader.read(location)) {
            String group = manifest.apiVersion().contains("/") ? manifest.apiVersion().substring(0, manifest.apiVersion().indexOf('/')) : "";
            if (!KINDS.contains(group + "/" + manifest.kind())) {
                throw new InputException(manifest.where("kind") + ": --control-plane-config reads audit.k8s.io Policy and"
                        + " apiserver.config.k8s.io EncryptionConfiguration files, not " + manifest.apiVersion() + " " + manifest.kind());
            }
            String source = manifest.source();
            GenericKubernetesResource file = new GenericKubernetesResource();
            file.setApiVersion(manifest.apiVersion());
            file.setKind(manifest.kind());
            file.setMetadata(new ObjectMetaBuilder().withName(source.substring(Math.max(source.lastIndexOf('/'), source.lastIndexOf('\\')) + 1))
                    .addToAnnotations(ApiServer.SOURCE_ANNOTATION, manifest.where()).build());
            for (Iterator<Map.Entry<String, JsonNode>> it = manifest.body().fields(); it.hasNext(); ) {
                var field = it.next();
                if (!Set.of("apiVersion", "kind", "metadata").contains(field.getKey())) {
                    file.setAdditionalProperty(field.getKey(), JSON.convertValue(field.getValue(), Object.class));
                }
            }
            files.add(file);
        }
        if (files.isEmpty()) {
            throw new InputException(location + ": --control-plane-config: no audit Policy or EncryptionConfiguration found");
        }
        return files;
    }
}
