package dev.evident.engine;

import io.fabric8.kubernetes.api.model.HasMetadata;

/** A repair the operator applies in Enforce mode and the audit command prints as a plan. */
public sealed interface Remediation {
    /** Field manager for objects Evident creates and owns entirely. */
    String FIELD_MANAGER = "evident";

    /** One line for plans, Events and logs. */
    String summary();

    HasMetadata target();

    /**
     * Server-side apply of {@code desired} with {@code fieldManager}: creates or restores a managed object,
     * or (with a narrow object and its own manager) sets only the fields that manager owns.
     */
    record Apply(HasMetadata desired, String fieldManager, String summary) implements Remediation {
        @Override
        public HasMetadata target() {
            return desired;
        }
    }

    /** Replaces a user's object; the original is recorded (Event and log) before the write. */
    record Update(HasMetadata original, HasMetadata updated, String summary) implements Remediation {
        @Override
        public HasMetadata target() {
            return updated;
        }
    }

    /** Deletes a user's object; the original is recorded (Event and log) before the delete. */
    record Delete(HasMetadata original, String summary) implements Remediation {
        @Override
        public HasMetadata target() {
            return original;
        }
    }
}
