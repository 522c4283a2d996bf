package dev.evident.controls.rbac;

import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.api.model.rbac.SubjectBuilder;

/** Subjects and bindings for the RBAC control tests. */
final class RbacFixtures {
    private RbacFixtures() {
    }

    static Subject user(String name) {
        return new SubjectBuilder().withKind("User").withApiGroup("rbac.authorization.k8s.io").withName(name).build();
    }

    static Subject group(String name) {
        return new SubjectBuilder().withKind("Group").withApiGroup("rbac.authorization.k8s.io").withName(name).build();
    }

    static Subject sa(String namespace, String name) {
        return new SubjectBuilder().withKind("ServiceAccount").withNamespace(namespace).withName(name).build();
    }

    static ClusterRoleBinding crb(String name, String clusterRole, Subject... subjects) {
        return new ClusterRoleBindingBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("ClusterRole").withName(clusterRole).endRoleRef()
                .withSubjects(subjects).build();
    }
}
