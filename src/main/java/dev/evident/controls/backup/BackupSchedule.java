package dev.evident.controls.backup;

import dev.evident.api.v1alpha1.BackupScheduleSpec;
import dev.evident.api.v1alpha1.ControlSpec;
import dev.evident.engine.Control;
import dev.evident.engine.Affected;
import dev.evident.engine.ControlContext;
import dev.evident.engine.Finding;
import dev.evident.engine.ObjectRef;
import dev.evident.engine.Read;
import dev.evident.engine.Remediation;
import dev.evident.engine.ResourceKind;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Backups that actually run (A1.2, A1.3, CC7.5), judged from Velero's own objects, read as generic resources
 * (no Velero model in Evident): each selected namespace is covered by an active Schedule that fires at least every
 * maxInterval and keeps backups at least minRetention; the newest finished Backup covering it did not fail; the
 * newest Completed one finished within maxBackupAge; and, when asked, a Completed Restore of it is recent enough.
 * A namespace is covered by a Schedule, Backup or Restore whose includedNamespaces names it or "*" (or is empty:
 * Velero then takes every namespace) and whose excludedNamespaces does not.
 *
 * <p>Freshness changes by time alone: a passing finding says when it turns stale ({@link Finding#changesAt()}), so
 * the operator re-judges it at that instant. Enforce creates or restores a managed Schedule
 * ({@code evident-<namespace>} in Velero's namespace) where no Schedule meets the interval and retention; it never
 * edits a user's Schedule, and it cannot make a backup run: after the write the namespace waits for its first one.
 */
public final class BackupSchedule implements Control {
    public static final String TYPE = "BackupSchedule";
    public static final String MANAGED_PREFIX = "evident-";
    static final ResourceKind SCHEDULE = new ResourceKind("velero.io", "v1", "Schedule", "schedules", true);
    static final ResourceKind BACKUP = new ResourceKind("velero.io", "v1", "Backup", "backups", true);
    static final ResourceKind RESTORE = new ResourceKind("velero.io", "v1", "Restore", "restores", true);
    private static final Set<String> FINISHED = Set.of("Completed", "PartiallyFailed", "Failed", "FailedValidation");

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public List<String> defaultCriteria() {
        return List.of("A1.2", "A1.3", "CC7.5");
    }

    @Override
    public List<Read> reads() {
        return List.of();
    }

    @Override
    public List<ResourceKind> genericReads() {
        return List.of(SCHEDULE, BACKUP, RESTORE);
    }

    /**
     * A namespace's finding depends on that Namespace and on the Velero objects (optional kinds: their changes re-judge
     * the whole control), so a Namespace event re-judges that namespace alone.
     */
    @Override
    public Affected affectedBy(HasMetadata object) {
        return object instanceof Namespace ? Affected.namespaceOf(object) : Affected.ALL;
    }

    @Override
    public List<String> validate(ControlSpec spec) {
        BackupScheduleSpec settings = settings(spec);
        List<String> problems = new ArrayList<>();
        Map<String, String> durations = new LinkedHashMap<>();
        durations.put("maxInterval", settings.getMaxInterval());
        durations.put("minRetention", settings.getMinRetention());
        durations.put("maxBackupAge", settings.getMaxBackupAge());
        durations.forEach((field, value) -> {
            Duration d = GoDuration.parse(value);
            if (d == null || d.isZero()) {
                problems.add("backupSchedule." + field + ": " + (value == null ? "required" : "\"" + value + "\" is not a duration such as 24h or 90m"));
            }
        });
        String restore = settings.getMaxRestoreTestAge();
        if (restore != null && !restore.isEmpty() && GoDuration.parse(restore) == null) {
            problems.add("backupSchedule.maxRestoreTestAge: \"" + restore + "\" is not a duration such as 2160h");
        }
        CronInterval.Result cron = CronInterval.of(settings.getSchedule());
        Duration maxInterval = GoDuration.parse(settings.getMaxInterval());
        if (cron.problem() != null) {
            problems.add("backupSchedule.schedule: \"" + settings.getSchedule() + "\": " + cron.problem());
        } else if (maxInterval != null && (cron.longestGap().isEmpty() || cron.longestGap().get().compareTo(maxInterval) > 0)) {
            problems.add("backupSchedule.schedule: \"" + settings.getSchedule() + "\" fires " + every(cron)
                    + ", less often than maxInterval " + settings.getMaxInterval() + ": the Schedule Evident creates would not comply");
        }
        if (settings.getVeleroNamespace() == null || settings.getVeleroNamespace().isBlank()) {
            problems.add("backupSchedule.veleroNamespace: required");
        }
        return problems;
    }

    private static BackupScheduleSpec settings(ControlSpec spec) {
        return Optional.ofNullable(spec.getBackupSchedule()).orElseGet(BackupScheduleSpec::new);
    }

    @Override
    public List<Finding> evaluate(ControlContext ctx) {
        BackupScheduleSpec settings = settings(ctx.spec());
        List<Finding> findings = new ArrayList<>();
        Optional<String> unreadable = genericReads().stream().map(k -> ctx.snapshot().unreadable(k)).flatMap(Optional::stream).findFirst();
        // Velero installs its CRDs together: any of them (or, offline, any of its objects) says it is there.
        boolean installed = genericReads().stream().anyMatch(k -> ctx.snapshot().serves(k));
        if (unreadable.isPresent() || !installed) {
            for (Namespace ns : ctx.namespaces()) {
                ObjectRef ref = ObjectRef.namespace(ns.getMetadata().getName());
                findings.add(unreadable.isPresent()
                        ? ctx.error(ref, "ProviderUnreadable", "Velero's objects cannot be read: " + unreadable.get())
                        : ctx.error(ref, "ProviderNotInstalled", "Velero is not installed: the cluster serves no "
                                + String.join(", ", genericReads().stream().map(ResourceKind::crdName).toList())
                                + "; backups of this namespace cannot be shown"));
            }
            return findings;
        }
        Velero velero = new Velero(ctx, settings);
        for (Namespace ns : ctx.namespaces()) {
            findings.add(judge(ctx, settings, velero, ns));
        }
        return findings;
    }

    private Finding judge(ControlContext ctx, BackupScheduleSpec settings, Velero velero, Namespace ns) {
        String namespace = ns.getMetadata().getName();
        ObjectRef ref = ObjectRef.namespace(namespace);
        Instant now = ctx.snapshot().now();
        Duration maxInterval = GoDuration.parse(settings.getMaxInterval());
        Duration minRetention = GoDuration.parse(settings.getMinRetention());
        Duration maxBackupAge = GoDuration.parse(settings.getMaxBackupAge());
        List<String> facts = new ArrayList<>();
        String reason = null;

        List<Schedule> covering = velero.schedules.covering(namespace);
        List<Schedule> active = covering.stream().filter(s -> s.inactive() == null).toList();
        covering.stream().filter(s -> s.inactive() != null).forEach(s -> facts.add("Schedule " + s.name() + " covers it but " + s.inactive()));
        Optional<Schedule> good = active.stream().filter(s -> s.firesWithin(maxInterval) && s.keepsAtLeast(minRetention)).findFirst();
        if (good.isPresent()) {
            facts.add(0, "Schedule " + good.get().describe());
        } else if (active.isEmpty()) {
            reason = "NoSchedule";
            facts.add(0, "no active Velero Schedule covers it");
        } else {
            Optional<Schedule> frequent = active.stream().filter(s -> s.firesWithin(maxInterval)).findFirst();
            if (frequent.isPresent()) {
                reason = "RetentionTooShort";
                facts.add(0, "Schedule " + frequent.get().describe() + " keeps backups less than minRetention " + settings.getMinRetention());
            } else {
                reason = "IntervalTooLong";
                active.forEach(s -> facts.add("Schedule " + s.describe() + " fires less often than maxInterval " + settings.getMaxInterval()));
            }
        }

        Instant changesAt = null;
        List<Backup> backups = velero.backups.covering(namespace);
        Optional<Backup> newestFinished = backups.stream().filter(b -> FINISHED.contains(b.phase()) && b.finished() != null)
                .max(Comparator.comparing(Backup::finished));
        Optional<Backup> newestCompleted = backups.stream().filter(b -> "Completed".equals(b.phase()) && b.finished() != null)
                .max(Comparator.comparing(Backup::finished));
        if (newestFinished.isPresent() && !"Completed".equals(newestFinished.get().phase())) {
            Backup failed = newestFinished.get();
            reason = reason != null ? reason : "PartiallyFailed".equals(failed.phase()) ? "BackupPartiallyFailed" : "BackupFailed";
            facts.add("newest finished Backup " + failed.name() + " is " + failed.phase() + " (" + failed.finished() + ")");
        }
        if (newestCompleted.isEmpty()) {
            reason = reason != null ? reason : "NoSuccessfulBackup";
            facts.add("no Completed Backup covers it");
        } else {
            Backup last = newestCompleted.get();
            Instant staleAt = last.finished().plus(maxBackupAge);
            facts.add("newest Completed Backup " + last.name() + " finished " + last.finished() + " (" + GoDuration.human(age(last.finished(), now)) + " ago)");
            if (!now.isBefore(staleAt)) {
                reason = reason != null ? reason : "BackupStale";
                facts.add("older than maxBackupAge " + settings.getMaxBackupAge());
            } else {
                changesAt = staleAt;
            }
        }

        Duration restoreAge = restoreAge(settings);
        if (restoreAge != null) {
            Optional<Restore> restore = velero.restores.covering(namespace).stream()
                    .filter(r -> "Completed".equals(r.phase()) && r.finished() != null).max(Comparator.comparing(Restore::finished));
            if (restore.isEmpty() || !now.isBefore(restore.get().finished().plus(restoreAge))) {
                reason = reason != null ? reason : "RestoreTestStale";
                facts.add(restore.map(r -> "newest Completed Restore " + r.name() + " finished " + r.finished() + ", more than maxRestoreTestAge "
                        + settings.getMaxRestoreTestAge() + " ago").orElse("no Completed Restore of it (maxRestoreTestAge " + settings.getMaxRestoreTestAge() + ")"));
            } else {
                Instant restoreStaleAt = restore.get().finished().plus(restoreAge);
                facts.add("newest Completed Restore " + restore.get().name() + " finished " + restore.get().finished());
                changesAt = changesAt == null || restoreStaleAt.isBefore(changesAt) ? restoreStaleAt : changesAt;
            }
        }

        String message = String.join("; ", facts);
        if (reason == null) {
            return ctx.pass(ref, "BackedUp", message).changingAt(changesAt);
        }
        Remediation plan = good.isPresent() || ControlContext.isTerminating(ns) ? null : plan(ctx, settings, namespace);
        return ctx.fail(ref, reason, message, plan);
    }

    private static Duration restoreAge(BackupScheduleSpec settings) {
        String value = settings.getMaxRestoreTestAge();
        return value == null || value.isEmpty() ? null : GoDuration.parse(value);
    }

    private static Duration age(Instant then, Instant now) {
        Duration d = Duration.between(then, now);
        return d.isNegative() ? Duration.ZERO : d.withNanos(0);
    }

    /** The managed Schedule for one namespace, as Enforce applies it. */
    private static Remediation plan(ControlContext ctx, BackupScheduleSpec settings, String namespace) {
        String name = MANAGED_PREFIX + namespace;
        Map<String, Object> template = new LinkedHashMap<>();
        template.put("includedNamespaces", List.of(namespace));
        template.put("ttl", GoDuration.format(GoDuration.parse(settings.getMinRetention())));
        template.put("storageLocation", settings.getStorageLocation());
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("schedule", settings.getSchedule());
        spec.put("template", template);
        GenericKubernetesResource desired = new GenericKubernetesResourceBuilder()
                .withApiVersion(SCHEDULE.apiVersion())
                .withKind(SCHEDULE.kind())
                .withMetadata(ctx.managedMetadata(settings.getVeleroNamespace(), name))
                .addToAdditionalProperties("spec", spec)
                .build();
        return new Remediation.Apply(desired, Remediation.FIELD_MANAGER,
                "apply Velero Schedule " + settings.getVeleroNamespace() + "/" + name + " (" + settings.getSchedule() + ", ttl "
                        + settings.getMinRetention() + ") for namespace " + namespace);
    }

    private static String every(CronInterval.Result cron) {
        return cron.longestGap().map(d -> "every " + GoDuration.human(d) + " at worst").orElse("at most once a year");
    }

    // ---- Velero's objects, read once per evaluation and indexed by the namespaces they cover ----

    /** What a Schedule, Backup or Restore says about which namespaces it covers. */
    private record Scope(Set<String> included, Set<String> excluded) {
        static Scope of(Map<String, Object> spec) {
            Set<String> included = Set.copyOf(strings(spec == null ? null : spec.get("includedNamespaces")));
            Set<String> excluded = Set.copyOf(strings(spec == null ? null : spec.get("excludedNamespaces")));
            return new Scope(included, excluded);
        }

        boolean everything() {
            return included.isEmpty() || included.contains("*");
        }

        boolean covers(String namespace) {
            return (everything() || included.contains(namespace)) && !excluded.contains(namespace);
        }
    }

    private record Schedule(String name, String cron, CronInterval.Result interval, Duration ttl, String inactive, Scope scope) {
        boolean firesWithin(Duration max) {
            return interval.longestGap().map(d -> d.compareTo(max) <= 0).orElse(false);
        }

        boolean keepsAtLeast(Duration min) {
            return ttl != null && ttl.compareTo(min) >= 0;
        }

        String describe() {
            return name + " (\"" + cron + "\", " + (interval.problem() != null ? interval.problem() : every(interval))
                    + ", ttl " + (ttl == null ? "unreadable" : GoDuration.human(ttl)) + ")";
        }
    }

    private record Backup(String name, String phase, Instant finished, Scope scope) {
    }

    private record Restore(String name, String phase, Instant finished, Scope scope) {
    }

    /** Objects by the namespaces they name, plus those that cover every namespace: no scan per namespace. */
    private static final class Index<T> {
        private final Map<String, List<T>> named = new HashMap<>();
        private final List<T> everywhere = new ArrayList<>();
        private final java.util.function.Function<T, Scope> scope;

        Index(Collection<T> items, java.util.function.Function<T, Scope> scope) {
            this.scope = scope;
            for (T item : items) {
                Scope s = scope.apply(item);
                if (s.everything()) {
                    everywhere.add(item);
                } else {
                    s.included().forEach(ns -> named.computeIfAbsent(ns, k -> new ArrayList<>()).add(item));
                }
            }
        }

        List<T> covering(String namespace) {
            List<T> result = new ArrayList<>(named.getOrDefault(namespace, List.of()));
            result.addAll(everywhere);
            result.removeIf(i -> !scope.apply(i).covers(namespace)); // excludedNamespaces
            return result;
        }
    }

    private static final class Velero {
        final Index<Schedule> schedules;
        final Index<Backup> backups;
        final Index<Restore> restores;

        Velero(ControlContext ctx, BackupScheduleSpec settings) {
            String ns = settings.getVeleroNamespace();
            schedules = new Index<>(ctx.snapshot().list(SCHEDULE, ns).stream().map(Velero::schedule).toList(), Schedule::scope);
            backups = new Index<>(ctx.snapshot().list(BACKUP, ns).stream().map(o -> new Backup(o.getMetadata().getName(),
                    str(status(o).get("phase")), finished(o), Scope.of(spec(o)))).toList(), Backup::scope);
            restores = restoreAge(settings) == null ? new Index<>(List.of(), Restore::scope)
                    : new Index<>(ctx.snapshot().list(RESTORE, ns).stream().map(o -> new Restore(o.getMetadata().getName(),
                    str(status(o).get("phase")), time(status(o).get("completionTimestamp")), Scope.of(spec(o)))).toList(), Restore::scope);
        }

        /** When a backup ended; one that failed validation may carry no completion time, only when it was created. */
        private static Instant finished(GenericKubernetesResource o) {
            Instant completed = time(status(o).get("completionTimestamp"));
            if (completed != null || "Completed".equals(str(status(o).get("phase")))) {
                return completed;
            }
            Instant started = time(status(o).get("startTimestamp"));
            return started != null ? started : time(o.getMetadata().getCreationTimestamp());
        }

        private static Schedule schedule(GenericKubernetesResource o) {
            Map<String, Object> spec = spec(o);
            String cron = str(spec.get("schedule"));
            CronInterval.Result interval = CronInterval.of(cron);
            @SuppressWarnings("unchecked")
            Map<String, Object> template = spec.get("template") instanceof Map<?, ?> t ? (Map<String, Object>) t : Map.of();
            Object ttlValue = template.get("ttl");
            // Velero keeps a backup 720h when the template names no ttl
            Duration ttl = ttlValue == null ? Duration.ofHours(720) : GoDuration.parse(str(ttlValue));
            String inactive = Boolean.TRUE.equals(spec.get("paused")) ? "is paused"
                    : "FailedValidation".equals(str(status(o).get("phase"))) ? "failed Velero's validation (status.phase FailedValidation)"
                    : interval.problem() != null ? "its schedule \"" + cron + "\" is not valid: " + interval.problem()
                    : null;
            return new Schedule(o.getMetadata().getName(), cron, interval, ttl, inactive, Scope.of(template));
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> spec(GenericKubernetesResource o) {
        return o.getAdditionalProperties().get("spec") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> status(GenericKubernetesResource o) {
        return o.getAdditionalProperties().get("status") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    private static String str(Object value) {
        return value == null ? null : value.toString();
    }

    private static List<String> strings(Object value) {
        return value instanceof List<?> list ? list.stream().filter(Objects::nonNull).map(Object::toString).toList() : List.of();
    }

    private static Instant time(Object value) {
        try {
            return value == null ? null : Instant.parse(value.toString());
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
