package dev.evident.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class Violation {
    @JsonPropertyDescription("Control id.")
    private String control;
    @JsonPropertyDescription("Namespace of the object; absent for cluster-scoped objects.")
    private String namespace;
    @JsonPropertyDescription("Kind of the object.")
    private String kind;
    @JsonPropertyDescription("Name of the object.")
    private String name;
    @JsonPropertyDescription("Machine-readable reason.")
    private String reason;
    @JsonPropertyDescription("What is wrong, for people.")
    private String message;

    public Violation() {}

    public Violation(String control, String namespace, String kind, String name, String reason, String message) {
        this.control = control;
        this.namespace = namespace;
        this.kind = kind;
        this.name = name;
        this.reason = reason;
        this.message = message;
    }

    public String getControl() { return control; }
    public void setControl(String control) { this.control = control; }
    public String getNamespace() { return namespace; }
    public void setNamespace(String namespace) { this.namespace = namespace; }
    public String getKind() { return kind; }
    public void setKind(String kind) { this.kind = kind; }
    public String getName() { return name; }
    public void setName(String name) { this.name = name; }
    public String getReason() { return reason; }
    public void setReason(String reason) { this.reason = reason; }
    public String getMessage() { return message; }
    public void setMessage(String message) { this.message = message; }

    @Override
    public boolean equals(Object o) {
        return o instanceof Violation v && Objects.equals(control, v.control) && Objects.equals(namespace, v.namespace)
                && Objects.equals(kind, v.kind) && Objects.equals(name, v.name) && Objects.equals(reason, v.reason)
                && Objects.equals(message, v.message);
    }

    @Override
    public int hashCode() {
        return Objects.hash(control, namespace, kind, name, reason, message);
    }
}
