package dev.evident.helm;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/** External tools the tests use when installed (.ci/run installs them). */
public final class Tools {
    private Tools() {
    }

    public static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) return false;
        for (String dir : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, tool))) return true;
        }
        return false;
    }
}
