package dev.evident.helm;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** RBAC rules flattened to "group/resource verb" grants, so roles written differently compare equal. */
final class Rbac {
    private Rbac() {
    }

    static Set<String> grants(JsonNode role) {
        Set<String> grants = new TreeSet<>();
        for (JsonNode rule : role.path("rules")) {
            for (JsonNode group : rule.path("apiGroups")) {
                for (JsonNode resource : rule.path("resources")) {
                    for (JsonNode verb : rule.path("verbs")) {
                        grants.add(group.asText() + "/" + resource.asText() + " " + verb.asText());
                    }
                }
            }
        }
        return grants;
    }

    /** Grants of the Roles, by namespace (the chart's release namespace is deploy's evident-system). */
    static Map<String, Set<String>> rolesByNamespace(List<JsonNode> roles) {
        Map<String, Set<String>> byNamespace = new TreeMap<>();
        for (JsonNode role : roles) {
            byNamespace.computeIfAbsent(role.at("/metadata/namespace").asText(), n -> new TreeSet<>()).addAll(grants(role));
        }
        return byNamespace;
    }

    static JsonNode deployObject(String file, String kind) throws IOException {
        List<JsonNode> all = deployObjects(file, kind);
        if (all.size() != 1) {
            throw new AssertionError("expected one " + kind + " in deploy/" + file);
        }
        return all.get(0);
    }

    static List<JsonNode> deployObjects(String file, String kind) throws IOException {
        return HelmChart.parse(Files.readString(Path.of("deploy").resolve(file))).stream()
                .filter(o -> kind.equals(o.path("kind").asText())).toList();
    }
}
