package dev.evident.evidence;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Builds the period report from records (pure: no I/O, no clock). How it judges time:
 * <ul>
 *   <li>Evidence exists while heartbeat or run records follow each other at most {@code maxSilence} apart
 *   (default: twice the longest heartbeat interval recorded, or 10 minutes without heartbeats). A longer
 *   silence is a gap from the last record before it to the next one, and so is the time before the first
 *   record and after the last (when longer than maxSilence). A gap is never compliance.</li>
 *   <li>A control is in force from the policy record that lists it until one that does not (or deletes the policy).</li>
 *   <li>Outside gaps, a control in force is violating while any of its findings' last recorded result is
 *   {@code fail} or {@code error}, else compliant. A criterion is violating when any in-force control mapped
 *   to it is, compliant when at least one is in force and none violates.</li>
 *   <li>Only records before {@code to} count; a violation still open at {@code to} is reported open.</li>
 * </ul>
 */
public final class ReportBuilder {
    static final Duration DEFAULT_SILENCE = Duration.ofMinutes(10);
    static final double HEARTBEAT_TOLERANCE = 2.0;
    private static final Set<String> FAILING = Set.of("fail", "error");

    private enum State { COMPLIANT, VIOLATING, NO_EVIDENCE, NOT_IN_FORCE }

    private final Instant from;
    private final Instant to;
    private final Duration maxSilenceOverride;

    public ReportBuilder(Instant from, Instant to, Duration maxSilence) {
        if (!from.isBefore(to)) {
            throw new IllegalArgumentException("the period must end after it starts");
        }
        this.from = from;
        this.to = to;
        this.maxSilenceOverride = maxSilence;
    }

    /** One control of one policy over time. */
    private static final class ControlTimeline {
        final String policy;
        final String control;
        String type;
        final Set<String> criteria = new TreeSet<>();
        final NavigableMap<Instant, Boolean> inForce = new TreeMap<>();
        final NavigableMap<Instant, Integer> failing = new TreeMap<>();
        final Set<String> failingKeys = new java.util.HashSet<>();

        ControlTimeline(String policy, String control) {
            this.policy = policy;
            this.control = control;
        }

        State at(Instant t, boolean gap) {
            Map.Entry<Instant, Boolean> force = inForce.floorEntry(t);
            if (force == null || !force.getValue()) {
                return State.NOT_IN_FORCE;
            }
            if (gap) {
                return State.NO_EVIDENCE;
            }
            Map.Entry<Instant, Integer> f = failing.floorEntry(t);
            return f != null && f.getValue() > 0 ? State.VIOLATING : State.COMPLIANT;
        }
    }

    private static final class OpenViolation {
        final EvidenceRecord detected;
        EvidenceRecord remediation;

        OpenViolation(EvidenceRecord detected) {
            this.detected = detected;
        }
    }

    /** Verifies the log at path (a file or segment directory) and builds the report from its records. */
    public Report build(java.nio.file.Path log, java.security.PublicKey publicKey, Instant generatedAt) {
        List<EvidenceRecord> records = new ArrayList<>();
        ChainVerifier.Verification verification = new ChainVerifier(List.of(), publicKey).verify(log, r -> {
            if (r.instant().isBefore(to)) {
                records.add(r);
            }
        });
        return build(records, verification, generatedAt);
    }

    public Report build(List<EvidenceRecord> all, ChainVerifier.Verification verification, Instant generatedAt) {
        List<EvidenceRecord> records = all.stream().filter(r -> r.instant().isBefore(to)).toList();
        Map<String, ControlTimeline> controls = new LinkedHashMap<>();
        Map<String, Set<String>> policyControls = new HashMap<>();
        Map<String, OpenViolation> open = new HashMap<>();
        List<Report.Violation> violations = new ArrayList<>();
        List<Instant> evidence = new ArrayList<>();
        long heartbeatInterval = 0;
        Map<String, List<EvidenceRecord>> exceptionRecords = new LinkedHashMap<>();
        Map<String, List<EvidenceRecord>> policyRecords = new LinkedHashMap<>();

        for (EvidenceRecord r : records) {
            JsonNode d = r.data();
            Instant t = r.instant();
            switch (r.type()) {
                case RecordTypes.HEARTBEAT -> {
                    evidence.add(t);
                    heartbeatInterval = Math.max(heartbeatInterval, d.path("intervalSeconds").asLong());
                }
                case RecordTypes.RUN -> evidence.add(t);
                case RecordTypes.POLICY -> {
                    String policy = d.path("policy").asText();
                    policyRecords.computeIfAbsent(policy, p -> new ArrayList<>()).add(r);
                    Set<String> now = new TreeSet<>();
                    if (!d.path("deleted").asBoolean() && d.path("valid").asBoolean(true)) {
                        for (JsonNode c : d.path("controls")) {
                            ControlTimeline timeline = controls.computeIfAbsent(policy + "/" + c.path("id").asText(),
                                    k -> new ControlTimeline(policy, c.path("id").asText()));
                            timeline.type = c.path("type").asText();
                            c.path("criteria").forEach(x -> timeline.criteria.add(x.asText()));
                            timeline.inForce.put(t, true);
                            now.add(c.path("id").asText());
                        }
                    }
                    for (String was : policyControls.getOrDefault(policy, Set.of())) {
                        if (!now.contains(was)) {
                            controls.get(policy + "/" + was).inForce.put(t, false);
                        }
                    }
                    policyControls.put(policy, now);
                }
                case RecordTypes.FINDING -> finding(r, controls, open, violations);
                case RecordTypes.REMEDIATION -> {
                    OpenViolation v = open.get(d.path("policy").asText() + "|" + RecordedState.key(d));
                    if (v != null && "success".equals(d.path("outcome").asText())) {
                        v.remediation = r;
                    }
                }
                case RecordTypes.EXCEPTION -> exceptionRecords.computeIfAbsent(d.path("name").asText(), n -> new ArrayList<>()).add(r);
                default -> { }
            }
        }
        open.values().stream().sorted(Comparator.comparingLong(v -> v.detected.seq()))
                .forEach(v -> violations.add(violation(v, null, controls)));
        // Violations that ended before the period are not the period's.
        violations.removeIf(v -> v.remediatedAt() != null && !Instant.parse(v.remediatedAt()).isAfter(from));
        violations.sort(Comparator.comparingLong(Report.Violation::id));

        Duration maxSilence = maxSilenceOverride != null ? maxSilenceOverride
                : heartbeatInterval > 0 ? Duration.ofMillis((long) (heartbeatInterval * 1000 * HEARTBEAT_TOLERANCE)) : DEFAULT_SILENCE;
        List<Instant[]> gaps = gaps(evidence, maxSilence);

        Map<String, List<ControlTimeline>> byCriterion = new TreeMap<>(ReportBuilder::compareCriteria);
        for (ControlTimeline c : controls.values()) {
            c.criteria.forEach(criterion -> byCriterion.computeIfAbsent(criterion, k -> new ArrayList<>()).add(c));
        }
        List<Report.Criterion> criteria = new ArrayList<>();
        for (Map.Entry<String, List<ControlTimeline>> e : byCriterion.entrySet()) {
            List<Report.Control> rows = new ArrayList<>();
            for (ControlTimeline c : e.getValue()) {
                int count = (int) violations.stream().filter(v -> v.policy().equals(c.policy) && v.control().equals(c.control)).count();
                rows.add(new Report.Control(c.policy, c.control, c.type, shares(List.of(c), gaps), count));
            }
            int count = (int) violations.stream().filter(v -> v.criteria().contains(e.getKey())).count();
            criteria.add(new Report.Criterion(e.getKey(), shares(e.getValue(), gaps), rows, count));
        }

        long gapMillis = gaps.stream().mapToLong(g -> Duration.between(g[0], g[1]).toMillis()).sum();
        Report.Evidence evidenceSummary = new Report.Evidence(maxSilence.toSeconds(), share(gapMillis),
                gaps.stream().map(g -> new Report.Gap(fmt(g[0]), fmt(g[1]), Duration.between(g[0], g[1]).toSeconds())).toList());
        return new Report(new Report.Period(fmt(from), fmt(to), Duration.between(from, to).toSeconds()), fmt(generatedAt),
                chain(verification), evidenceSummary, criteria, violations, exceptions(exceptionRecords), policyVersions(policyRecords));
    }

    private void finding(EvidenceRecord r, Map<String, ControlTimeline> controls, Map<String, OpenViolation> open, List<Report.Violation> violations) {
        JsonNode d = r.data();
        String policy = d.path("policy").asText();
        String findingKey = RecordedState.key(d);
        ControlTimeline c = controls.computeIfAbsent(policy + "/" + d.path("control").asText(), k -> new ControlTimeline(policy, d.path("control").asText()));
        if (c.type == null) {
            c.type = d.path("controlType").asText();
        }
        d.path("criteria").forEach(x -> c.criteria.add(x.asText()));
        boolean failing = FAILING.contains(d.path("result").asText());
        boolean changed = failing ? c.failingKeys.add(findingKey) : c.failingKeys.remove(findingKey);
        if (changed) {
            c.failing.put(r.instant(), c.failingKeys.size());
        }
        String key = policy + "|" + findingKey;
        OpenViolation v = open.get(key);
        if (failing && v == null) {
            open.put(key, new OpenViolation(r));
        } else if (!failing && v != null) {
            open.remove(key);
            violations.add(violation(v, r, controls));
        }
    }

    private static Report.Violation violation(OpenViolation v, EvidenceRecord end, Map<String, ControlTimeline> controls) {
        JsonNode d = v.detected.data();
        List<String> criteria = new ArrayList<>();
        d.path("criteria").forEach(x -> criteria.add(x.asText()));
        String resolution = "open";
        if (end != null) {
            String result = end.data().path("result").asText();
            resolution = v.remediation != null && "pass".equals(result) ? "remediated" : "pass".equals(result) ? "fixed" : result;
        }
        return new Report.Violation(v.detected.seq(), d.path("policy").asText(), d.path("control").asText(), d.path("controlType").asText(),
                criteria, text(d, "namespace"), d.path("kind").asText(), d.path("name").asText(), d.path("result").asText(), text(d, "reason"),
                v.detected.time(), v.detected.seq(), end == null ? null : end.time(), end == null ? null : end.seq(), resolution,
                end == null ? null : Duration.between(v.detected.instant(), end.instant()).toSeconds());
    }

    /** Gaps within the period: before the first evidence, between records further apart than maxSilence, after the last. */
    private List<Instant[]> gaps(List<Instant> evidence, Duration maxSilence) {
        List<Instant> times = evidence.stream().distinct().sorted().toList();
        List<Instant[]> gaps = new ArrayList<>();
        if (times.isEmpty()) {
            gaps.add(new Instant[] {from, to});
            return gaps;
        }
        addClipped(gaps, from, times.get(0));
        for (int i = 0; i + 1 < times.size(); i++) {
            if (Duration.between(times.get(i), times.get(i + 1)).compareTo(maxSilence) > 0) {
                addClipped(gaps, times.get(i), times.get(i + 1));
            }
        }
        Instant last = times.get(times.size() - 1);
        if (Duration.between(last, to).compareTo(maxSilence) > 0) {
            addClipped(gaps, last, to);
        }
        return gaps;
    }

    private void addClipped(List<Instant[]> gaps, Instant a, Instant b) {
        Instant start = a.isBefore(from) ? from : a;
        Instant end = b.isAfter(to) ? to : b;
        if (start.isBefore(end)) {
            gaps.add(new Instant[] {start, end});
        }
    }

    /** Integrates the combined state of controls over the period, on intervals where nothing changes. */
    private Report.Shares shares(List<ControlTimeline> group, List<Instant[]> gaps) {
        TreeSet<Instant> cuts = new TreeSet<>(List.of(from, to));
        for (Instant[] g : gaps) {
            cuts.add(g[0]);
            cuts.add(g[1]);
        }
        for (ControlTimeline c : group) {
            cuts.addAll(c.inForce.subMap(from, false, to, false).keySet());
            cuts.addAll(c.failing.subMap(from, false, to, false).keySet());
        }
        long[] millis = new long[State.values().length];
        Instant previous = null;
        for (Instant cut : cuts) {
            if (previous != null) {
                boolean gap = inGap(previous, gaps);
                State state = State.NOT_IN_FORCE;
                for (ControlTimeline c : group) {
                    state = worst(state, c.at(previous, gap));
                }
                millis[state.ordinal()] += Duration.between(previous, cut).toMillis();
            }
            previous = cut;
        }
        return new Report.Shares(share(millis[State.COMPLIANT.ordinal()]), share(millis[State.VIOLATING.ordinal()]),
                share(millis[State.NO_EVIDENCE.ordinal()]), share(millis[State.NOT_IN_FORCE.ordinal()]));
    }

    /** Of two in-force states, the one an auditor must hear about: no evidence, then violating, then compliant. */
    private static State worst(State a, State b) {
        if (a == State.NOT_IN_FORCE) {
            return b;
        }
        if (b == State.NOT_IN_FORCE) {
            return a;
        }
        if (a == State.NO_EVIDENCE || b == State.NO_EVIDENCE) {
            return State.NO_EVIDENCE;
        }
        return a == State.VIOLATING || b == State.VIOLATING ? State.VIOLATING : State.COMPLIANT;
    }

    private static boolean inGap(Instant t, List<Instant[]> gaps) {
        return gaps.stream().anyMatch(g -> !t.isBefore(g[0]) && t.isBefore(g[1]));
    }

    private double share(long millis) {
        return Math.round(millis * 10000.0 / Duration.between(from, to).toMillis()) / 10000.0;
    }

    private List<Report.ExceptionEntry> exceptions(Map<String, List<EvidenceRecord>> byName) {
        List<Report.ExceptionEntry> entries = new ArrayList<>();
        for (Map.Entry<String, List<EvidenceRecord>> e : byName.entrySet()) {
            List<EvidenceRecord> history = e.getValue();
            EvidenceRecord last = history.get(history.size() - 1);
            boolean changedInPeriod = history.stream().anyMatch(r -> !r.instant().isBefore(from));
            String stateAtFrom = history.stream().filter(r -> r.instant().isBefore(from)).reduce((a, b) -> b)
                    .map(r -> r.data().path("state").asText()).orElse(null);
            if (!changedInPeriod && !"active".equals(stateAtFrom) && !"approved".equals(stateAtFrom)) {
                continue;
            }
            JsonNode d = last.data();
            entries.add(new Report.ExceptionEntry(e.getKey(), text(d, "policy"), strings(d.path("controls")), strings(d.path("namespaces")),
                    text(d, "approvedBy"), text(d, "ticket"), text(d, "justification"), text(d, "expiresAt"), text(d, "state"),
                    history.stream().filter(r -> !r.instant().isBefore(from))
                            .map(r -> new Report.StateChange(r.time(), r.data().path("state").asText(), r.seq())).toList()));
        }
        return entries;
    }

    private List<Report.PolicyVersion> policyVersions(Map<String, List<EvidenceRecord>> byPolicy) {
        List<Report.PolicyVersion> versions = new ArrayList<>();
        for (List<EvidenceRecord> history : byPolicy.values()) {
            for (int i = 0; i < history.size(); i++) {
                EvidenceRecord r = history.get(i);
                Instant until = i + 1 < history.size() ? history.get(i + 1).instant() : null;
                if (r.data().path("deleted").asBoolean() || (until != null && !until.isAfter(from))) {
                    continue;
                }
                JsonNode d = r.data();
                versions.add(new Report.PolicyVersion(d.path("policy").asText(), text(d, "specHash"),
                        d.path("generation").isNumber() ? d.path("generation").asLong() : null, text(d, "changedBy"), text(d, "source"),
                        r.time(), until == null ? null : fmt(until), r.seq()));
            }
        }
        return versions;
    }

    private static Report.Chain chain(ChainVerifier.Verification v) {
        return new Report.Chain(v.intact(), v.problem(), v.records(), v.firstSeq(), v.lastSeq(), v.headHash(), v.checkpoints(),
                v.signedCheckpoints(), v.notes());
    }

    /** CC1.1 < CC2.1 < CC10.1 < A1.2 < C1.1: common criteria first, numbers numerically. */
    static int compareCriteria(String a, String b) {
        return key(a).compareTo(key(b));
    }

    private static String key(String criterion) {
        String prefix = criterion.replaceAll("[0-9.].*", "");
        StringBuilder key = new StringBuilder(prefix.equals("CC") ? "0" : "1").append(prefix);
        for (String part : criterion.substring(prefix.length()).split("\\.")) {
            key.append('.').append("%05d".formatted(part.matches("\\d+") ? Integer.parseInt(part) : 0));
        }
        return key.toString();
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(x -> values.add(x.asText()));
        return values;
    }

    private static String text(JsonNode d, String field) {
        JsonNode v = d.path(field);
        return v.isMissingNode() || v.isNull() ? null : v.asText();
    }

    static String fmt(Instant t) {
        return EvidenceRecord.TIME.format(t);
    }
}
