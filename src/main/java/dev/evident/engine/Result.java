package dev.evident.engine;

import com.fasterxml.jackson.annotation.JsonValue;

public enum Result {
    PASS("pass"),
    FAIL("fail"),
    EXCEPTED("excepted"),
    NOT_APPLICABLE("notApplicable"),
    ERROR("error");

    private final String wire;

    Result(String wire) {
        this.wire = wire;
    }

    /** The name used in JSON, metrics and reports. */
    @JsonValue
    public String wire() {
        return wire;
    }

    /** Whether this result makes an audit fail (exit code 1). */
    public boolean isProblem() {
        return this == FAIL || this == ERROR;
    }
}
