package dev.evident.api.v1alpha1;

/** Audit reports only; Enforce also repairs what a control can repair. */
public enum Mode {
    Audit,
    Enforce
}
