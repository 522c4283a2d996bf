package dev.evident.operator;

import dev.evident.api.v1alpha1.ControlException;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Maps a ControlException change to the policy it names, and to the policy it named before when it moved to
 * another one (the old policy's findings are no longer excepted).
 */
final class ExceptionPolicyMapper implements SecondaryToPrimaryMapper<ControlException> {
    private final Map<String, String> policyByUid = new ConcurrentHashMap<>();

    @Override
    public Set<ResourceID> toPrimaryResourceIDs(ControlException exception) {
        String policy = exception.getSpec() == null ? null : exception.getSpec().getPolicy();
        String uid = exception.getMetadata().getUid();
        Set<ResourceID> ids = new HashSet<>();
        String before = uid == null ? null : policy == null ? policyByUid.remove(uid) : policyByUid.put(uid, policy);
        if (before != null && !before.equals(policy)) {
            ids.add(new ResourceID(before));
        }
        if (policy != null && !policy.isBlank()) {
            ids.add(new ResourceID(policy));
        }
        return ids;
    }
}
