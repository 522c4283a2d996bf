package dev.evident.exceptions;

/** Where a ControlException stands; the names are those of its status and of the metric's state label. */
public enum ExceptionState {
    /** Valid and not yet expired: its matching findings are excepted. */
    Active,
    /** expiresAt has passed: its matching findings are violations again. */
    Expired,
    /** Its spec is wrong (a missing field, too long, an unknown control or policy): it excepts nothing. */
    Invalid
}
