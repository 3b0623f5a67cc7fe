package org.introdl.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.introdl.core.UserError;
import org.introdl.core.cli.Cli;
import org.introdl.core.safety.RunLimits;
import org.introdl.serving.cli.ServeCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The models to serve, from --model options or TF Serving's model config as JSON; mistakes are one line. */
class ServeConfigTest {
  @TempDir Path tmp;

  @Test
  void configFileGivesPoliciesLabelsAndSafetyPerModel() throws Exception {
    Path file = tmp.resolve("models.json");
    Files.writeString(file, """
        {"model_config_list": {"config": [
          {"name": "half", "base_path": "models/half", "model_version_policy": {"specific": {"versions": [1, "2"]}},
           "version_labels": {"stable": 1, "canary": "2"}},
          {"name": "trusted", "base_path": "/srv/trusted", "allow_unsafe_ops": true, "max_memory": "1g",
           "model_version_policy": {"latest": {"num_versions": 2}}}]}}""");
    List<ModelConfig> models = ServeConfig.fromFile(file, RunLimits.of(false));
    assertEquals(tmp.resolve("models/half"), models.get(0).basePath());
    assertEquals(Map.of("stable", 1L, "canary", 2L), models.get(0).labels());
    assertEquals(new TreeSet<>(List.of(1L, 2L)), models.get(0).policy().choose(new TreeSet<>(List.of(1L, 2L, 3L))));
    assertFalse(models.get(0).limits().allowUnsafeOps());
    assertTrue(models.get(1).limits().allowUnsafeOps());
    assertEquals(1L << 30, models.get(1).limits().memoryBudgetBytes());
    assertEquals(new TreeSet<>(List.of(2L, 3L)), models.get(1).policy().choose(new TreeSet<>(List.of(1L, 2L, 3L))));
  }

  @Test
  void configMistakesNameTheFileAndTheField() throws Exception {
    Path file = tmp.resolve("bad.json");
    for (String[] c : new String[][] {
        {"{\"model_config_list\": {\"config\": [{\"name\": \"a\"}]}}", "'base_path' must be a non-empty string"},
        {"{\"model_config_list\": {\"config\": [{\"name\": \"a\", \"base_path\": \"x\", \"versions\": 1}]}}",
            "unknown field 'versions'"},
        {"{\"model_config_list\": {\"config\": [{\"name\": \"a/b\", \"base_path\": \"x\"}]}}", "cannot be empty or"},
        {"{\"model_config_list\": {\"config\": [{\"name\": \"a\", \"base_path\": \"x\", \"version_labels\": "
            + "{\"s\": \"one\"}}]}}", "is not a version number"},
        {"{\"models\": []}", "expected {\"model_config_list\""},
        {"{not json", "not valid JSON"}}) {
      Files.writeString(file, c[0]);
      UserError e = assertThrows(UserError.class, () -> ServeConfig.fromFile(file, RunLimits.of(false)), c[0]);
      assertTrue(e.getMessage().startsWith(file.toString()) && e.getMessage().contains(c[1]), e.getMessage());
      assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }
  }

  @Test
  void commandLineMistakesAreOneLineAndNoServerStarts() {
    assertOneLineError(2, "one of them", "--port", "0");
    assertOneLineError(1, "expected NAME=PATH", "--model", "half", "--port", "0");
    assertOneLineError(1, "no such folder", "--model", "half=" + tmp.resolve("absent"), "--port", "0");
    assertOneLineError(2, "--max-body", "--model", "half=" + tmp, "--max-body", "lots");
  }

  private static void assertOneLineError(int exit, String message, String... args) {
    StringWriter err = new StringWriter();
    CommandLine cli = Cli.configure(new CommandLine(new ServeCommand()), false);
    cli.setErr(new PrintWriter(err, true));
    cli.setOut(new PrintWriter(new StringWriter(), true));
    assertEquals(exit, cli.execute(args), err.toString());
    assertTrue(err.toString().contains(message), err.toString());
    assertEquals(1, err.toString().strip().lines().count(), err.toString());
  }
}
