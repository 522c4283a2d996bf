package dev.evident.cli;

import dev.evident.engine.Read;
import dev.evident.engine.ResourceKind;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.ListOptions;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.dsl.Listable;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.io.File;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Lists the kinds the controls read from the cluster of the current kubeconfig context. List calls only:
 * it never writes. Each call is bounded by a short timeout and not retried, so an unreachable cluster
 * fails the audit quickly instead of hanging it.
 */
public final class ClusterReader {
    static final int TIMEOUT_MILLIS = 10_000;
    private static final long PAGE_SIZE = 500;
    /** 2000 pages of 500: a million objects of one kind, far beyond any real cluster; a server that never ends its list is not. */
    static final int MAX_PAGES = 2000;
    /** The whole listing, so that a slow-dripping server cannot hold a CI job forever. */
    static final long MAX_LIST_NANOS = java.util.concurrent.TimeUnit.MINUTES.toNanos(10);

    private final Config config;

    ClusterReader(Config config) {
        this.config = config;
        config.setRequestTimeout(TIMEOUT_MILLIS);
        config.setConnectionTimeout(TIMEOUT_MILLIS);
        config.setRequestRetryBackoffLimit(0);
    }

    /** The current context of the kubeconfig (KUBECONFIG, the kubeconfig system property or ~/.kube/config). */
    public static ClusterReader fromKubeconfig() {
        Collection<String> files = Config.getKubeconfigFilenames();
        boolean inCluster = System.getenv("KUBERNETES_SERVICE_HOST") != null;
        if (!inCluster && files.stream().noneMatch(f -> new File(f).isFile())) {
            throw new InputException("--cluster: no kubeconfig found (looked for " + String.join(", ", files)
                    + "); set KUBECONFIG or use --resources with exported manifests");
        }
        if (!inCluster) {
            Kubeconfig.check(files);
        }
        try {
            return new ClusterReader(Config.autoConfigure(null));
        } catch (RuntimeException e) {
            throw new InputException("--cluster: cannot load kubeconfig " + String.join(", ", files) + ": " + Text.escape(e.getMessage()));
        }
    }

    public List<HasMetadata> read(Collection<Read> reads) {
        return read(reads, List.of());
    }

    /**
     * The objects of the kinds controls read, and of the optional custom kinds the cluster serves; for each
     * of those, a bare CustomResourceDefinition marker says it is installed (a 404 on the list says it is not).
     */
    public List<HasMetadata> read(Collection<Read> reads, Collection<ResourceKind> optional) {
        List<HasMetadata> objects = new ArrayList<>();
        long deadline = System.nanoTime() + MAX_LIST_NANOS;
        try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
            for (Read read : reads) {
                try {
                    list(client, read, read.kind(), deadline).forEach(o -> objects.add(ObjectDecoder.withoutSecretData(o)));
                } catch (KubernetesClientException e) {
                    throw new InputException("--cluster " + config.getMasterUrl() + ": cannot list "
                            + read.kind().getSimpleName() + (read.namespace() == null ? "" : " in namespace " + read.namespace())
                            + ": " + describe(e));
                }
            }
            for (ResourceKind kind : optional) {
                try {
                    // named in full: looking the kind up by apiVersion and kind fails (not with a 404) where its group is not served
                    var resources = client.genericKubernetesResources(new ResourceDefinitionContext.Builder().withGroup(kind.group())
                            .withVersion(kind.version()).withKind(kind.kind()).withPlural(kind.plural()).withNamespaced(kind.namespaced()).build());
                    var items = (kind.namespaced() ? resources.inAnyNamespace() : resources)
                            .list(new ListOptionsBuilder().withLimit((long) MAX_PAGES * PAGE_SIZE).build()).getItems();
                    items.forEach(o -> o.getMetadata().setManagedFields(null));
                    objects.addAll(items);
                    objects.add(new io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder()
                            .withApiVersion("apiextensions.k8s.io/v1").withKind("CustomResourceDefinition")
                            .withNewMetadata().withName(kind.crdName()).endMetadata().build());
                } catch (KubernetesClientException e) {
                    if (e.getCode() != 404) {
                        throw new InputException("--cluster " + config.getMasterUrl() + ": cannot list " + kind.plural() + "." + kind.group()
                                + ": " + describe(e));
                    }
                }
            }
        }
        return objects;
    }

    private <T extends HasMetadata> List<T> list(KubernetesClient client, Read read, Class<T> kind, long deadline) {
        MixedOperation<T, KubernetesResourceList<T>, Resource<T>> resources = client.resources(kind);
        Listable<KubernetesResourceList<T>> listable =
                read.namespace() == null ? resources.inAnyNamespace() : resources.inNamespace(read.namespace());
        ListOptions options = new ListOptionsBuilder()
                .withLabelSelector(read.labelSelector())
                .withFieldSelector(read.fieldSelector())
                .withLimit(PAGE_SIZE)
                .build();
        List<T> items = new ArrayList<>();
        String next = null;
        for (int pages = 1; ; pages++) {
            KubernetesResourceList<T> page = listable.list(options);
            items.addAll(page.getItems());
            String previous = next;
            next = page.getMetadata() == null ? null : page.getMetadata().getContinue();
            if (next == null || next.isEmpty()) {
                return items;
            }
            if (next.equals(previous) || pages >= MAX_PAGES || System.nanoTime() - deadline > 0) {
                throw new InputException("--cluster " + config.getMasterUrl() + ": listing " + kind.getSimpleName() + " did not end after "
                        + pages + " pages of " + PAGE_SIZE + (next.equals(previous) ? " (the server repeats the same continue token)"
                        : pages >= MAX_PAGES ? " (more than " + MAX_PAGES + " pages)" : " and " + MAX_LIST_NANOS / 60_000_000_000L + " minutes"));
            }
            options.setContinue(next);
        }
    }

    private static String describe(KubernetesClientException e) {
        if (e.getCode() == 401) {
            return "unauthorized (HTTP 401): the kubeconfig's credentials were refused";
        }
        if (e.getCode() == 403) {
            return "forbidden (HTTP 403): the current user may not list it";
        }
        if (e.getCode() > 0) {
            return "HTTP " + e.getCode() + (e.getStatus() == null || e.getStatus().getMessage() == null ? "" : ": " + e.getStatus().getMessage());
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return "cluster unreachable: " + (root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage());
    }
}
