package dev.evident.evidence;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A log whose numbers are worked out by hand, for the period 2025-01-01 (24 h):
 * <ul>
 *   <li>policy baseline v1 from 2024-12-31T23:00, v2 (changed by kubectl) from 08:00; controls NET-001
 *   (NetworkDefaultDeny; CC6.6, CC6.1) and PSS-001 (PodSecurityLevel; CC6.8)</li>
 *   <li>heartbeats every 10 min (interval 600 s, so silence up to 1200 s is evidence) except none between
 *   10:00 and 12:00: a 2 h gap = 0.0833 of the day</li>
 *   <li>NET-001 shop: fail 02:00, remediated by Evident 02:00:30, pass 02:01 (60 s)</li>
 *   <li>PSS-001 web: fail 04:00, pass 06:00 without a remediation (fixed, 7200 s)</li>
 *   <li>PSS-001 api: fail 20:00, still open at the end</li>
 *   <li>exception ex-1 (approved by alice, ticket SEC-1) active from 05:00</li>
 * </ul>
 */
final class HandBuiltLog {
    static final Instant DAY = Instant.parse("2025-01-01T00:00:00Z");

    private HandBuiltLog() {
    }

    static Path write(Path file) {
        MutableClock clock = new MutableClock(DAY.minus(Duration.ofHours(1)));
        EvidenceLog log = EvidenceLog.openFile(file, clock);
        log.append(RecordTypes.POLICY, policy("sha256:v1", 1, "kubectl-client-side-apply (Update)"));
        log.append(RecordTypes.FINDING, finding("NET-001", "NetworkDefaultDeny", List.of("CC6.6", "CC6.1"), "shop", "pass", null));
        log.append(RecordTypes.FINDING, finding("PSS-001", "PodSecurityLevel", List.of("CC6.8"), "web", "pass", null));
        for (Instant t = clock.instant(); t.isBefore(DAY.plus(Duration.ofHours(24))); t = t.plus(Duration.ofMinutes(10))) {
            at(clock, t);
            Instant gapStart = DAY.plus(Duration.ofHours(10));
            if (t.isAfter(gapStart) && t.isBefore(DAY.plus(Duration.ofHours(12)))) {
                continue;
            }
            log.append(RecordTypes.HEARTBEAT, EvidenceData.heartbeat(600, List.of("baseline")));
            if (t.equals(hour(2))) {
                log.append(RecordTypes.FINDING, finding("NET-001", "NetworkDefaultDeny", List.of("CC6.6", "CC6.1"), "shop", "fail", "pass"));
                at(clock, hour(2).plusSeconds(30));
                log.append(RecordTypes.REMEDIATION, remediation());
                at(clock, hour(2).plusSeconds(60));
                log.append(RecordTypes.FINDING, finding("NET-001", "NetworkDefaultDeny", List.of("CC6.6", "CC6.1"), "shop", "pass", "fail"));
            } else if (t.equals(hour(4))) {
                log.append(RecordTypes.FINDING, finding("PSS-001", "PodSecurityLevel", List.of("CC6.8"), "web", "fail", "pass"));
            } else if (t.equals(hour(5))) {
                log.append(RecordTypes.EXCEPTION, exception());
            } else if (t.equals(hour(6))) {
                log.append(RecordTypes.FINDING, finding("PSS-001", "PodSecurityLevel", List.of("CC6.8"), "web", "pass", "fail"));
            } else if (t.equals(hour(8))) {
                log.append(RecordTypes.POLICY, policy("sha256:v2", 2, "kubectl (Update)"));
            } else if (t.equals(hour(20))) {
                log.append(RecordTypes.FINDING, finding("PSS-001", "PodSecurityLevel", List.of("CC6.8"), "api", "fail", null));
            }
        }
        return file;
    }

    static Instant hour(int h) {
        return DAY.plus(Duration.ofHours(h));
    }

    private static void at(MutableClock clock, Instant t) {
        clock.set(t);
    }

    static ObjectNode policy(String specHash, long generation, String changedBy) {
        ObjectNode d = JsonNodeFactory.instance.objectNode();
        d.put("policy", "baseline").put("specHash", specHash).put("generation", generation).put("changedBy", changedBy)
                .put("source", "operator").put("valid", true);
        var controls = d.putArray("controls");
        controls.addObject().put("id", "NET-001").put("type", "NetworkDefaultDeny").put("mode", "Enforce").putArray("criteria").add("CC6.6").add("CC6.1");
        controls.addObject().put("id", "PSS-001").put("type", "PodSecurityLevel").put("mode", "Audit").putArray("criteria").add("CC6.8");
        return d;
    }

    static ObjectNode finding(String control, String type, List<String> criteria, String namespace, String result, String previous) {
        ObjectNode d = JsonNodeFactory.instance.objectNode();
        d.put("policy", "baseline").put("control", control).put("controlType", type);
        criteria.forEach(d.putArray("criteria")::add);
        d.put("kind", "Namespace").put("namespace", namespace).put("name", namespace).put("result", result);
        if (previous == null) {
            d.putNull("previous");
        } else {
            d.put("previous", previous);
        }
        d.put("reason", result.equals("fail") ? (control.equals("NET-001") ? "NoDefaultDeny" : "LevelTooLow") : "Compliant");
        return d;
    }

    static ObjectNode remediation() {
        ObjectNode d = JsonNodeFactory.instance.objectNode();
        d.put("policy", "baseline").put("control", "NET-001").put("controlType", "NetworkDefaultDeny");
        d.putArray("criteria").add("CC6.6").add("CC6.1");
        d.put("kind", "Namespace").put("namespace", "shop").put("name", "shop").put("action", "create NetworkPolicy evident-default-deny");
        d.putNull("before");
        d.putObject("after").put("kind", "NetworkPolicy").put("name", "evident-default-deny");
        d.put("outcome", "success");
        return d;
    }

    static ObjectNode exception() {
        ObjectNode d = JsonNodeFactory.instance.objectNode();
        d.put("name", "ex-1").put("policy", "baseline").put("state", "active").put("approvedBy", "alice").put("ticket", "SEC-1")
                .put("justification", "legacy app <migrating>").put("expiresAt", "2025-02-01T00:00:00Z");
        d.putArray("controls").add("PSS-001");
        d.putArray("namespaces").add("legacy");
        return d;
    }
}
