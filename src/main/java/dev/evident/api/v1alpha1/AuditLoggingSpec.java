package dev.evident.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;

/** No settings yet; the block exists so that the policy shape is the same for every control type. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AuditLoggingSpec {
}
