package dev.evident.controls.backup;

import static dev.evident.engine.Fixtures.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import dev.evident.api.v1alpha1.BackupScheduleSpec;
import dev.evident.api.v1alpha1.ControlSpec;
import dev.evident.engine.Finding;
import dev.evident.engine.Fixtures;
import dev.evident.engine.Remediation;
import dev.evident.engine.Result;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class BackupScheduleTest {
    private final BackupSchedule control = new BackupSchedule();

    static GenericKubernetesResource velero(String kind, String name, Map<String, Object> spec, Map<String, Object> status) {
        GenericKubernetesResourceBuilder b = new GenericKubernetesResourceBuilder().withApiVersion("velero.io/v1").withKind(kind)
                .withNewMetadata().withNamespace("velero").withName(name).endMetadata()
                .addToAdditionalProperties("spec", spec);
        if (status != null) {
            b.addToAdditionalProperties("status", status);
        }
        return b.build();
    }

    static GenericKubernetesResource schedule(String name, String cron, String ttl, List<String> included) {
        Map<String, Object> template = new LinkedHashMap<>();
        template.put("includedNamespaces", included);
        if (ttl != null) {
            template.put("ttl", ttl);
        }
        return velero("Schedule", name, Map.of("schedule", cron, "template", template), Map.of("phase", "Enabled"));
    }

    static GenericKubernetesResource backup(String name, String phase, Instant completed, List<String> included) {
        return velero("Backup", name, Map.of("includedNamespaces", included),
                Map.of("phase", phase, "startTimestamp", completed.minusSeconds(300).toString(), "completionTimestamp", completed.toString()));
    }

    static GenericKubernetesResource restore(String name, Instant completed, List<String> included) {
        return velero("Restore", name, Map.of("backupName", "b", "includedNamespaces", included),
                Map.of("phase", "Completed", "completionTimestamp", completed.toString()));
    }

    private static ControlSpec spec(Consumer<BackupScheduleSpec> settings) {
        ControlSpec spec = Fixtures.control("BAK-001", BackupSchedule.TYPE);
        BackupScheduleSpec s = new BackupScheduleSpec();
        settings.accept(s);
        spec.setBackupSchedule(s);
        return spec;
    }

    private List<Finding> evaluate(ControlSpec spec, HasMetadata... objects) {
        List<HasMetadata> all = new ArrayList<>(List.of(objects));
        all.add(Fixtures.namespace("shop"));
        return control.evaluate(Fixtures.context(control, spec, all.toArray(HasMetadata[]::new)));
    }

    private Finding judge(HasMetadata... objects) {
        return evaluate(spec(s -> { }), objects).stream().filter(f -> f.object().name().equals("shop")).findFirst().orElseThrow();
    }

    @Test
    void dailyScheduleWithFreshCompletedBackupPassesAndSaysWhenItTurnsStale() {
        Instant done = NOW.minus(Duration.ofHours(10));
        Finding f = judge(schedule("daily", "0 2 * * *", "720h0m0s", List.of("*")), backup("daily-1", "Completed", done, List.of("*")));
        assertThat(f.result()).isEqualTo(Result.PASS);
        assertThat(f.reason()).isEqualTo("BackedUp");
        assertThat(f.message()).contains("Schedule daily", "daily-1", "10h ago");
        assertThat(f.changesAt()).isEqualTo(done.plus(Duration.ofHours(26)));
    }

    @Test
    void noScheduleCoveringTheNamespaceFailsWithAPlanForAManagedSchedule() {
        Finding f = judge(schedule("other", "0 2 * * *", "720h", List.of("payments")));
        assertThat(f.result()).isEqualTo(Result.FAIL);
        assertThat(f.reason()).isEqualTo("NoSchedule");
        Remediation.Apply plan = (Remediation.Apply) f.remediation();
        GenericKubernetesResource desired = (GenericKubernetesResource) plan.desired();
        assertThat(desired.getMetadata().getNamespace()).isEqualTo("velero");
        assertThat(desired.getMetadata().getName()).isEqualTo("evident-shop");
        assertThat(desired.getMetadata().getLabels()).containsEntry("app.kubernetes.io/managed-by", "evident");
        assertThat(desired.getAdditionalProperties().get("spec")).hasToString(
                "{schedule=0 2 * * *, template={includedNamespaces=[shop], ttl=720h0m0s, storageLocation=default}}");
    }

    @Test
    void excludedPausedOrInvalidSchedulesDoNotCover() {
        GenericKubernetesResource excluded = schedule("all", "0 2 * * *", "720h", List.of("*"));
        ((Map<String, Object>) ((Map<String, Object>) excluded.getAdditionalProperties().get("spec")).get("template"))
                .put("excludedNamespaces", List.of("shop"));
        assertThat(judge(excluded).reason()).isEqualTo("NoSchedule");

        GenericKubernetesResource paused = velero("Schedule", "paused", Map.of("schedule", "0 2 * * *", "paused", true,
                "template", Map.of("includedNamespaces", List.of("shop"))), null);
        Finding f = judge(paused);
        assertThat(f.reason()).isEqualTo("NoSchedule");
        assertThat(f.message()).contains("paused is paused".replace("paused is", "paused covers it but is"));

        Finding invalid = judge(schedule("typo", "0 25 * * *", "720h", List.of("shop")));
        assertThat(invalid.reason()).isEqualTo("NoSchedule");
        assertThat(invalid.message()).contains("typo covers it but its schedule");
    }

    @Test
    void emptyIncludedNamespacesMeansEveryNamespaceAsInVelero() {
        Finding f = judge(schedule("all", "0 2 * * *", "720h", List.of()), backup("b", "Completed", NOW.minusSeconds(60), List.of()));
        assertThat(f.result()).isEqualTo(Result.PASS);
    }

    @Test
    void weeklyScheduleIsTooRareForADailyRpo() {
        Finding f = judge(schedule("weekly", "0 2 * * 0", "720h", List.of("shop")), backup("b", "Completed", NOW.minusSeconds(60), List.of("shop")));
        assertThat(f.reason()).isEqualTo("IntervalTooLong");
        assertThat(f.message()).contains("every 168h at worst");
        assertThat(f.remediation()).as("a managed daily Schedule beside the user's, never an edit of it").isInstanceOf(Remediation.Apply.class);
    }

    @Test
    void shortTtlAndVelerosDefaultTtl() {
        assertThat(judge(schedule("short", "0 2 * * *", "168h", List.of("shop"))).reason()).isEqualTo("RetentionTooShort");
        Finding defaultTtl = judge(schedule("default-ttl", "0 2 * * *", null, List.of("shop")), backup("b", "Completed", NOW.minusSeconds(60), List.of("shop")));
        assertThat(defaultTtl.result()).as("no ttl: Velero keeps 720h").isEqualTo(Result.PASS);
    }

    @Test
    void backupOutcomes() {
        GenericKubernetesResource daily = schedule("daily", "0 2 * * *", "720h", List.of("*"));
        assertThat(judge(daily).reason()).isEqualTo("NoSuccessfulBackup");
        assertThat(judge(daily).remediation()).as("a Schedule exists: nothing for Evident to write").isNull();
        assertThat(judge(daily, backup("old", "Completed", NOW.minus(Duration.ofHours(30)), List.of("*"))).reason()).isEqualTo("BackupStale");
        Finding failed = judge(daily, backup("ok", "Completed", NOW.minus(Duration.ofHours(25)), List.of("*")),
                backup("bad", "Failed", NOW.minus(Duration.ofHours(1)), List.of("*")));
        assertThat(failed.reason()).isEqualTo("BackupFailed");
        assertThat(failed.message()).contains("bad is Failed", "newest Completed Backup ok");
        assertThat(judge(daily, backup("part", "PartiallyFailed", NOW.minus(Duration.ofHours(1)), List.of("shop"))).reason())
                .isEqualTo("BackupPartiallyFailed");
        assertThat(judge(daily, backup("in-progress", "InProgress", NOW.minusSeconds(10), List.of("*")),
                backup("ok", "Completed", NOW.minus(Duration.ofHours(2)), List.of("*"))).result())
                .as("a backup still running is not judged").isEqualTo(Result.PASS);
        assertThat(judge(daily, backup("elsewhere", "Completed", NOW.minusSeconds(60), List.of("payments"))).reason())
                .as("a backup of other namespaces does not count").isEqualTo("NoSuccessfulBackup");
    }

    @Test
    void staleExactlyAtMaxBackupAge() {
        GenericKubernetesResource daily = schedule("daily", "0 2 * * *", "720h", List.of("*"));
        assertThat(judge(daily, backup("b", "Completed", NOW.minus(Duration.ofHours(26)), List.of("*"))).reason()).isEqualTo("BackupStale");
        assertThat(judge(daily, backup("b", "Completed", NOW.minus(Duration.ofHours(26)).plusMillis(1), List.of("*"))).result())
                .isEqualTo(Result.PASS);
    }

    @Test
    void restoreTestWhenAsked() {
        ControlSpec spec = spec(s -> s.setMaxRestoreTestAge("2160h"));
        GenericKubernetesResource daily = schedule("daily", "0 2 * * *", "720h", List.of("*"));
        GenericKubernetesResource fresh = backup("b", "Completed", NOW.minusSeconds(60), List.of("*"));
        assertThat(evaluate(spec, daily, fresh).get(0).reason()).isEqualTo("RestoreTestStale");
        assertThat(evaluate(spec, daily, fresh, restore("r-old", NOW.minus(Duration.ofDays(100)), List.of("shop"))).get(0).reason())
                .isEqualTo("RestoreTestStale");
        Instant restored = NOW.minus(Duration.ofDays(10));
        Finding ok = evaluate(spec, daily, fresh, restore("r", restored, List.of("shop"))).get(0);
        assertThat(ok.result()).isEqualTo(Result.PASS);
        assertThat(ok.changesAt()).as("the backup goes stale before the restore test").isEqualTo(NOW.minusSeconds(60).plus(Duration.ofHours(26)));
    }

    @Test
    void veleroNotInstalledIsAnErrorPerNamespaceNotAPass() {
        List<Finding> findings = evaluate(spec(s -> { }));
        assertThat(findings).singleElement().satisfies(f -> {
            assertThat(f.result()).isEqualTo(Result.ERROR);
            assertThat(f.reason()).isEqualTo("ProviderNotInstalled");
            assertThat(f.message()).contains("schedules.velero.io", "backups.velero.io");
        });
    }

    @Test
    void installedButEmptyIsNoScheduleNotNotInstalled() {
        HasMetadata scheduleCrd = new GenericKubernetesResourceBuilder().withApiVersion("apiextensions.k8s.io/v1").withKind("CustomResourceDefinition")
                .withNewMetadata().withName("schedules.velero.io").endMetadata().build();
        HasMetadata backupCrd = new GenericKubernetesResourceBuilder().withApiVersion("apiextensions.k8s.io/v1").withKind("CustomResourceDefinition")
                .withNewMetadata().withName("backups.velero.io").endMetadata().build();
        assertThat(evaluate(spec(s -> { }), scheduleCrd, backupCrd).get(0).reason()).isEqualTo("NoSchedule");
    }

    @Test
    void settingsAreValidated() {
        assertThat(control.validate(spec(s -> s.setMaxInterval("1d")))).singleElement().asString().startsWith("backupSchedule.maxInterval:");
        assertThat(control.validate(spec(s -> s.setSchedule("0 2 * * 0")))).singleElement().asString()
                .startsWith("backupSchedule.schedule:").contains("less often than maxInterval 24h");
        assertThat(control.validate(spec(s -> s.setSchedule("whenever")))).singleElement().asString().contains("not a five-field cron");
        assertThat(control.validate(spec(s -> s.setMaxRestoreTestAge("")))).isEmpty();
        assertThat(control.validate(spec(s -> { }))).isEmpty();
    }

    /** The promise affectedBy makes: a namespace re-judged alone gets exactly its findings of a full evaluation. */
    @Test
    void aNamespaceJudgedAloneGetsWhatAFullEvaluationGivesIt() {
        dev.evident.engine.Engine engine = new dev.evident.engine.Engine(dev.evident.controls.StandardControls.catalog(), "evident");
        var policy = Fixtures.policy("backups", dev.evident.api.v1alpha1.Mode.Enforce, spec(s -> { }));
        Instant done = NOW.minus(Duration.ofHours(3));
        var snapshot = dev.evident.engine.InMemorySnapshot.of(NOW, List.of(Fixtures.namespace("shop"), Fixtures.namespace("payments"),
                Fixtures.namespace("web"), schedule("shop", "0 2 * * *", "720h", List.of("shop", "web")),
                backup("shop-1", "Completed", done, List.of("shop")), backup("web-1", "Failed", done, List.of("web"))));
        List<Finding> full = engine.evaluate(policy, snapshot).findings();
        for (String ns : List.of("shop", "payments", "web")) {
            assertThat(control.affectedBy(Fixtures.namespace(ns))).isEqualTo(dev.evident.engine.Affected.namespace(ns));
            assertThat(engine.evaluateControl(policy, "BAK-001", snapshot, ns))
                    .isEqualTo(full.stream().filter(f -> ns.equals(f.object().namespace())).toList());
        }
        assertThat(full).extracting(Finding::reason).doesNotHaveDuplicates();
        assertThat(control.affectedBy(schedule("x", "0 2 * * *", "720h", List.of("*")))).isEqualTo(dev.evident.engine.Affected.ALL);
    }
}
