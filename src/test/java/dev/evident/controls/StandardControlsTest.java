package dev.evident.controls;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.evident.api.v1alpha1.ControlType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The standard catalogue lives beside the controls: the engine depends on the Control interface only, and
 * no operator class (reconciler, mappers, status) names a control, so adding one changes none of them.
 */
class StandardControlsTest {
    private static final Path MAIN = Path.of("src/main/java/dev/evident");

    private static List<String> filesImporting(String pkg, String prefix) {
        try (Stream<Path> files = Files.walk(MAIN.resolve(pkg))) {
            return files.filter(f -> f.toString().endsWith(".java")).filter(f -> {
                try {
                    return Files.readAllLines(f).stream().anyMatch(l -> l.startsWith("import " + prefix) || l.startsWith("import static " + prefix));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).map(f -> MAIN.relativize(f).toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void engineDependsOnNoControl() {
        assertEquals(List.of(), filesImporting("engine", "dev.evident.controls"));
    }

    @Test
    void onlyTheBeanFactoryOfTheOperatorNamesTheCatalogueAndNoneAControl() {
        assertEquals(List.of(), filesImporting("operator", "dev.evident.controls.encryption"));
        assertEquals(List.of(), filesImporting("operator", "dev.evident.controls.network"));
        assertEquals(List.of(), filesImporting("operator", "dev.evident.controls.rbac"));
        assertEquals(List.of("operator/OperatorBeans.java"), filesImporting("operator", "dev.evident.controls"));
    }

    @Test
    void everyTypeTheSchemaListsIsInTheCatalogue() {
        assertEquals(Arrays.stream(ControlType.values()).map(Enum::name).sorted().toList(),
                StandardControls.catalog().types().stream().sorted().toList());
    }
}
