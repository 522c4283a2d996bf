package dev.evident.cli;

/** Bad input the user can fix (a file, a policy, a flag, an unreachable cluster): exit code 2, message on stderr. */
public final class InputException extends RuntimeException {

    public InputException(String message) {
        super(message);
    }
}
