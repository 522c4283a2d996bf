package dev.evident.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** BackupSchedule offline: Velero's objects from files, freshness fixed by --now. */
class AuditBackupsTest {
    private static final String NOW = "2026-11-24T12:00:00Z";

    @Test
    void veleroExampleJudgesEachNamespaceFromItsSchedulesBackupsAndRestores() {
        Cli run = Cli.run("audit", "--policy", "examples/velero/policy.yaml", "--resources", "examples/velero/cluster", "--now", NOW);
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.out()).containsPattern("BAK-001 +pass +shop .*BackedUp")
                .containsPattern("BAK-001 +fail +payments .*BackupFailed")
                .containsPattern("BAK-001 +fail +analytics .*IntervalTooLong")
                .containsPattern("BAK-001 +fail +legacy .*NoSchedule")
                .doesNotContain("velero  Namespace");
        assertThat(run.err()).doesNotContain("not evaluated");
    }

    @Test
    void aWaiverExceptsTheNamespaceUntilItExpires() {
        Cli active = Cli.run("audit", "--policy", "examples/velero/policy.yaml", "--policy", "examples/velero/legacy-waiver.yaml",
                "--resources", "examples/velero/cluster", "--now", NOW);
        assertThat(active.out()).containsPattern("BAK-001 +excepted +legacy .*NoSchedule")
                .contains("legacy-backup-waiver (policy soc2-backups): Active until 2027-01-31T00:00:00Z");
        Cli expired = Cli.run("audit", "--policy", "examples/velero/policy.yaml", "--policy", "examples/velero/legacy-waiver.yaml",
                "--resources", "examples/velero/cluster", "--now", "2027-01-31T00:00:00Z");
        assertThat(expired.out()).containsPattern("BAK-001 +fail +legacy .*NoSchedule").contains("Expired at 2027-01-31T00:00:00Z");
    }

    @Test
    void freshnessDependsOnNowAndOnNothingElse() {
        Cli later = Cli.run("audit", "--policy", "examples/velero/policy.yaml", "--resources", "examples/velero/cluster",
                "--now", "2026-11-25T04:09:47Z", "--output", "json");
        assertThat(later.out()).contains("\"BackupStale\"");
        Cli before = Cli.run("audit", "--policy", "examples/velero/policy.yaml", "--resources", "examples/velero/cluster",
                "--now", "2026-11-25T04:09:46Z", "--output", "json");
        assertThat(before.out()).doesNotContain("\"BackupStale\"").contains("\"BackedUp\"");
    }

    @Test
    void withoutVeleroEveryNamespaceIsAnErrorAndTheGateFails() {
        Cli run = Cli.run("audit", "--policy", "examples/velero/policy.yaml", "--resources", "examples/velero/cluster/namespaces.yaml", "--now", NOW);
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.out()).containsPattern("BAK-001 +error +shop .*ProviderNotInstalled");
    }

    @Test
    void theCrdAloneSaysVeleroIsInstalled(@TempDir Path dir) throws IOException {
        Files.copy(Path.of("examples/velero/cluster/namespaces.yaml"), dir.resolve("namespaces.yaml"));
        Files.writeString(dir.resolve("crd.yaml"), """
                apiVersion: apiextensions.k8s.io/v1
                kind: CustomResourceDefinition
                metadata: {name: schedules.velero.io}
                spec: {group: velero.io, names: {kind: Schedule, plural: schedules}, scope: Namespaced, versions: []}
                """);
        Cli run = Cli.run("audit", "--policy", "examples/velero/policy.yaml", "--resources", dir.toString(), "--now", NOW);
        assertThat(run.out()).containsPattern("BAK-001 +fail +shop .*NoSchedule").doesNotContain("ProviderNotInstalled");
    }

    @Test
    void aVeleroObjectOfAnotherVersionIsNamedNotDropped(@TempDir Path dir) throws IOException {
        Files.copy(Path.of("examples/velero/cluster/namespaces.yaml"), dir.resolve("namespaces.yaml"));
        Files.writeString(dir.resolve("schedule.yaml"), """
                apiVersion: velero.io/v2
                kind: Schedule
                metadata: {name: future, namespace: velero}
                spec: {schedule: "0 2 * * *"}
                """);
        Cli run = Cli.run("audit", "--policy", "examples/velero/policy.yaml", "--resources", dir.toString(), "--now", NOW);
        assertThat(run.err()).contains("schedule.yaml", "apiVersion velero.io/v2 is not read");
    }
}
