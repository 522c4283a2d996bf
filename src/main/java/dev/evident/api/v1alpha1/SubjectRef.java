package dev.evident.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class SubjectRef {
    @JsonPropertyDescription("User, Group or ServiceAccount.")
    @Required
    @Pattern("^(User|Group|ServiceAccount)$")
    private String kind;

    @JsonPropertyDescription("Subject name; * matches any run of characters.")
    @Required
    private String name;

    @JsonPropertyDescription("Namespace of a ServiceAccount; * matches any run of characters. Ignored for users and groups.")
    private String namespace;

    public SubjectRef() {}

    public SubjectRef(String kind, String namespace, String name) {
        this.kind = kind;
        this.namespace = namespace;
        this.name = name;
    }

    public String getKind() { return kind; }
    public void setKind(String kind) { this.kind = kind; }
    public String getName() { return name; }
    public void setName(String name) { this.name = name; }
    public String getNamespace() { return namespace; }
    public void setNamespace(String namespace) { this.namespace = namespace; }
}
