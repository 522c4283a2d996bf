package dev.evident.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.File;
import java.io.IOException;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/**
 * Checks the kubeconfig before the client reads it: the client falls back to kubernetes.default.svc on an
 * empty file or a missing context, which would be reported as an unreachable cluster instead of what it is.
 */
final class Kubeconfig {
    private Kubeconfig() {
    }

    /** Files are merged as kubectl merges them: the first current-context wins; contexts and clusters from all. */
    static void check(Collection<String> files) {
        String current = null;
        String currentFrom = null;
        Set<String> contexts = new HashSet<>();
        JsonNode context = null;
        Set<String> clusters = new HashSet<>();
        YAMLMapper yaml = new YAMLMapper();
        for (String name : files) {
            File file = new File(name);
            if (!file.isFile()) {
                continue;
            }
            JsonNode config;
            try {
                config = yaml.readTree(file);
            } catch (IOException e) {
                throw new InputException(name + ": not a valid kubeconfig: " + Text.escape(e.getMessage().lines().findFirst().orElse("")));
            }
            if (config == null || config.isMissingNode() || config.isNull()) {
                continue;
            }
            if (!config.isObject()) {
                throw new InputException(name + ": not a valid kubeconfig (not a mapping)");
            }
            if (current == null && config.path("current-context").isTextual() && !config.path("current-context").asText().isEmpty()) {
                current = config.path("current-context").asText();
                currentFrom = name;
            }
            for (JsonNode c : config.path("contexts")) {
                contexts.add(c.path("name").asText());
            }
            for (JsonNode c : config.path("clusters")) {
                clusters.add(c.path("name").asText());
            }
            for (JsonNode c : config.path("contexts")) {
                if (current != null && current.equals(c.path("name").asText()) && context == null) {
                    context = c.path("context");
                }
            }
        }
        String where = String.join(", ", files);
        if (current == null) {
            throw new InputException(where + ": kubeconfig has no current-context (empty or incomplete); set one with kubectl config use-context");
        }
        if (!contexts.contains(current) || context == null) {
            throw new InputException(currentFrom + ": current-context '" + Text.escape(current) + "' names no context in the kubeconfig");
        }
        String cluster = context.path("cluster").asText("");
        if (!clusters.contains(cluster)) {
            throw new InputException(currentFrom + ": context '" + Text.escape(current) + "' names cluster '" + Text.escape(cluster)
                    + "', which the kubeconfig does not define");
        }
    }
}
