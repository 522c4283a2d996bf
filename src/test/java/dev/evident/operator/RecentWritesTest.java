package dev.evident.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecentWritesTest {
    private final RemediationBudgetTest.ManualClock clock = new RemediationBudgetTest.ManualClock();
    private final RecentWrites writes = new RecentWrites(clock, written -> { });

    private static Namespace ns(String name, String version, String label) {
        NamespaceBuilder b = new NamespaceBuilder().withNewMetadata().withName(name).withResourceVersion(version).endMetadata();
        if (label != null) {
            b.editMetadata().addToLabels("pod-security.kubernetes.io/enforce", label).endMetadata();
        }
        return b.build();
    }

    private List<String> labels(List<Namespace> list) {
        return list.stream().map(n -> n.getMetadata().getName() + "=" + (n.getMetadata().getLabels() == null ? null
                : n.getMetadata().getLabels().get("pod-security.kubernetes.io/enforce"))).toList();
    }

    @Test
    void aWriteStandsInWhileTheCacheStillHoldsTheReplacedVersion() {
        Namespace before = ns("web", "10", null);
        writes.wrote(before, ns("web", "11", "restricted"));
        assertThat(labels(writes.overlay(Namespace.class, null, List.of(before, ns("other", "3", null)))))
                .containsExactlyInAnyOrder("web=restricted", "other=null");
    }

    @Test
    void theCacheWinsOnceItShowsTheWriteOrAnyLaterChange() {
        Namespace before = ns("web", "10", null);
        writes.wrote(before, ns("web", "11", "restricted"));
        assertThat(labels(writes.overlay(Namespace.class, null, List.of(ns("web", "12", "privileged")))))
                .as("someone changed it after Evident: that is the truth, and possibly drift").containsExactly("web=privileged");
        // The entry is gone: even the old version no longer gets replaced.
        assertThat(labels(writes.overlay(Namespace.class, null, List.of(before)))).containsExactly("web=null");
    }

    @Test
    void createsAndDeletesAreSeenBeforeTheWatchEvent() {
        writes.wrote(null, ns("created", "5", "baseline"));
        Namespace doomed = ns("doomed", "7", null);
        writes.deleted(doomed);
        assertThat(labels(writes.overlay(Namespace.class, null, List.of(doomed)))).containsExactly("created=baseline");
    }

    @Test
    void entriesExpireSoALostWatchEventCannotPinAnOldView() {
        Namespace before = ns("web", "10", null);
        writes.wrote(before, ns("web", "11", "restricted"));
        clock.advance(RecentWrites.MAX_AGE.plus(Duration.ofSeconds(1)));
        assertThat(labels(writes.overlay(Namespace.class, null, List.of(before)))).containsExactly("web=null");
    }

    @Test
    void aSecondWriteOverAnUnseenFirstOneStillStandsIn() {
        writes.wrote(null, ns("web", "11", "baseline"));
        writes.wrote(ns("web", "11", "baseline"), ns("web", "12", "restricted"));
        assertThat(labels(writes.overlay(Namespace.class, null, List.of()))).containsExactly("web=restricted");
    }

    @Test
    void anObjectEvidentCreatedAndSomeoneDeletedIsGoneOnceTheInformerReportedTheCreate() {
        writes.wrote(null, ns("created", "5", "baseline"));
        writes.observed(ns("created", "5", "baseline"));
        // The user deletes it; the cache is empty again: Evident must see it missing, not its own old write.
        assertThat(writes.overlay(Namespace.class, null, List.of())).isEmpty();
    }

    @Test
    void anEventForAnOlderVersionKeepsTheWriteInPlace() {
        Namespace before = ns("web", "10", null);
        writes.wrote(before, ns("web", "11", "restricted"));
        writes.observed(before);
        assertThat(labels(writes.overlay(Namespace.class, null, List.of(before)))).containsExactly("web=restricted");
    }

    @Test
    void aLookupByNameSeesTheWriteAndLeavesOtherEntriesAlone() {
        Namespace web = ns("web", "10", null);
        Namespace api = ns("api", "20", null);
        writes.wrote(web, ns("web", "11", "restricted"));
        writes.wrote(api, ns("api", "21", "baseline"));
        assertThat(writes.overlayOne(Namespace.class, null, "web", web)).map(n -> n.getMetadata().getResourceVersion()).contains("11");
        // The lookup of web did not drop the pending write of api.
        assertThat(labels(writes.overlay(Namespace.class, null, List.of(web, api)))).containsExactlyInAnyOrder("web=restricted", "api=baseline");
    }
}
