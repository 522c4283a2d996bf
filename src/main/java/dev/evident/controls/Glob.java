package dev.evident.controls;

/** The wildcard syntax of allow-lists: {@code *} matches any run of characters; everything else matches itself. */
public final class Glob {
    private Glob() {
    }

    /**
     * Linear in the value for a given pattern: the literal parts between stars are found leftmost-first, which
     * is always a match if any exists, so nothing is ever retried (a regex would backtrack exponentially on
     * many stars).
     */
    public static boolean matches(String pattern, String value) {
        if (pattern == null || value == null) {
            return false;
        }
        String[] parts = pattern.split("\\*", -1);
        if (parts.length == 1) {
            return pattern.equals(value);
        }
        String first = parts[0];
        String last = parts[parts.length - 1];
        if (value.length() < first.length() + last.length() || !value.startsWith(first) || !value.endsWith(last)) {
            return false;
        }
        int from = first.length();
        int end = value.length() - last.length();
        for (int i = 1; i < parts.length - 1; i++) {
            int at = value.indexOf(parts[i], from);
            if (at < 0 || at + parts[i].length() > end) {
                return false;
            }
            from = at + parts[i].length();
        }
        return true;
    }
}
