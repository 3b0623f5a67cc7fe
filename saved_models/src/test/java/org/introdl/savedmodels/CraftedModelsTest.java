package org.introdl.savedmodels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.introdl.core.UserError;
import org.introdl.core.safety.RunLimits;
import org.introdl.core.safety.UnsafeOps;
import org.introdl.savedmodels.cli.CheckpointCommand;
import org.introdl.savedmodels.cli.GraphCommand;
import org.introdl.savedmodels.cli.SavedModelCommand;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every crafted model of {@link CraftedModels} is flagged by {@code savedmodel scan} and refused by every entry
 * point that runs a model ({@code savedmodel run}, {@code savedmodel compare}, {@code graph run},
 * {@code checkpoint convert}, and the check {@code music generate --saved-model} makes), before TensorFlow sees it:
 * the secret file is never opened, nothing is written, the stranger's checkpoint stays where it is. Controls show
 * that the clean model passes the same gates and that the saver hijack is a real attack when allowed.
 */
class CraftedModelsTest {
  @TempDir static Path tmp;
  static CraftedModels corpus;
  static FileTime secretAccess;

  @BeforeAll
  static void buildCorpus() throws Exception {
    corpus = new CraftedModels(tmp);
    // relatime updates the access time of a read only when it is not newer than the modification time: make it
    // older, so that any read shows.
    Instant now = Instant.now();
    Files.getFileAttributeView(corpus.secret, BasicFileAttributeView.class).setTimes(FileTime.from(now),
        FileTime.from(now.minus(1, ChronoUnit.HOURS)), null);
    secretAccess = access(corpus.secret);
  }

  @TestFactory
  Stream<DynamicTest> everyAttackIsFlaggedAndRefusedByEveryEntryPoint() {
    return corpus.attacks().values().stream().map(attack -> DynamicTest.dynamicTest(attack.name(), () -> {
      Path model = corpus.write(attack);
      CliRun scan = CliRun.run(new SavedModelCommand(), "scan", model.toString());
      assertEquals(SavedModelCommand.EXIT_CHECK_FAILED, scan.exitCode(), scan.out() + scan.err());

      CliRun.run(new SavedModelCommand(), "run", model.toString(), "--input", "x=[1.0]")
          .assertOneLineError(1, model.toString(), "refusing to run a model", "--allow-unsafe-ops");

      Path reference = model.resolve("reference.json");
      Files.writeString(reference, "{\"inputs\": {\"x\": [1.0]}, \"outputs\": {\"y\": [3.0]}}");
      CliRun.run(new SavedModelCommand(), "compare", model.toString(), "--reference", reference.toString())
          .assertOneLineError(1, "refusing to run a model");

      UserError music = assertThrows(UserError.class, () -> UnsafeOps.requireSafeSavedModel(model,
          "serving_default", RunLimits.of(false)));
      assertTrue(music.getMessage().contains("refusing to run a model"), music.getMessage());

      Path checkpoint = model.resolve("variables/variables");
      CliRun.run(new GraphCommand(), "run", model.resolve("model.meta").toString(), "--checkpoint",
          checkpoint.toString(), "--input", "x=[1.0]", "--output", "y")
          .assertOneLineError(1, "refusing to run a model");

      Path converted = model.resolve("converted");
      CliRun.run(new CheckpointCommand(), "convert", checkpoint.toString(), "--meta",
          model.resolve("model.meta").toString(), "--to", converted.toString(), "--input", "x=x:0",
          "--output", "y=y:0").assertOneLineError(1, "refusing to run a model");
      assertFalse(Files.exists(converted), "a refused conversion writes nothing");

      assertNothingTouched();
    }));
  }

  @Test
  void theCleanModelPassesTheSameGates() throws Exception {
    Path clean = corpus.clean;
    assertEquals(0, CliRun.run(new SavedModelCommand(), "scan", clean.toString()).exitCode());
    CliRun run = CliRun.run(new SavedModelCommand(), "run", clean.toString(), "--input", "x=[1.0]").assertOk();
    assertTrue(run.out().contains("[3.0]"), run.out());
    UnsafeOps.requireSafeSavedModel(clean, "serving_default", RunLimits.of(false));
    Path meta = tmp.resolve("clean.meta");
    Files.write(meta, corpus.cleanMetaGraph().toByteArray());
    CliRun graph = CliRun.run(new GraphCommand(), "run", meta.toString(), "--checkpoint",
        clean.resolve("variables/variables").toString(), "--input", "x=[1.0]", "--output", "y").assertOk();
    assertTrue(graph.out().contains("[3.0]"), graph.out());
  }

  @Test
  void aFolderWhoseFilesTensorFlowWouldLoadUnscannedIsRefused() throws Exception {
    // TensorFlow prefers saved_model.cpb to the saved_model.pb the scanner reads.
    Path chunked = corpus.write(new CraftedModels.Attack("chunked", mg -> mg), "chunked");
    Files.writeString(chunked.resolve("saved_model.cpb"), "chunks");
    CliRun.run(new SavedModelCommand(), "run", chunked.toString(), "--input", "x=[1.0]")
        .assertOneLineError(1, "saved_model.cpb");
    assertThrows(UserError.class, () -> UnsafeOps.requireSafeSavedModel(chunked, "serving_default",
        RunLimits.of(true)));
    // A symbolic link would let the restore read any checkpoint on the machine.
    Path linked = corpus.write(new CraftedModels.Attack("linked", mg -> mg), "linked");
    Files.delete(linked.resolve("variables/variables.index"));
    Files.createSymbolicLink(linked.resolve("variables/variables.index"),
        corpus.strangerPrefix.resolveSibling("variables.index"));
    CliRun.run(new SavedModelCommand(), "run", linked.toString(), "--input", "x=[1.0]")
        .assertOneLineError(1, "symbolic link");
    assertThrows(UserError.class, () -> UnsafeOps.requireSafeSavedModel(linked, "serving_default",
        RunLimits.of(false)));
  }

  @Test
  void theMemoryBudgetAndTimeoutAreOptions() {
    String clean = corpus.clean.toString();
    CliRun.run(new SavedModelCommand(), "run", clean, "--input", "x=[1.0]", "--max-memory", "16")
        .assertOneLineError(1, "over the memory budget of 16 B", "--max-memory");
    CliRun.run(new SavedModelCommand(), "run", clean, "--input", "x=[1.0]", "--max-memory", "1k").assertOk();
    assertEquals(2, CliRun.run(new SavedModelCommand(), "run", clean, "--max-memory", "lots").exitCode());
    assertEquals(2, CliRun.run(new SavedModelCommand(), "run", clean, "--timeout", "-1").exitCode());
  }

  @Test
  void anOpWithOnlyAGpuKernelIsNamedInOneLine() throws Exception {
    // Keras 3 writes CudnnRNNV3 for an LSTM exported while a GPU was visible; this runtime has no CPU kernel.
    Path model = corpus.write(new CraftedModels.Attack("gpu only", mg -> CraftedModels.served(mg,
        CraftedModels.node("rnn", "CudnnRNNV3", "x", "x", "x", "x", "x"))), "gpu-only");
    CliRun scan = CliRun.run(new SavedModelCommand(), "scan", model.toString()).assertOk();
    assertTrue(scan.out().contains("serving_default: safe, but cannot run on this CPU-only runtime")
        && scan.out().contains("CudnnRNNV3 (needs a GPU kernel"), scan.out());
    CliRun.run(new SavedModelCommand(), "run", model.toString(), "--input", "x=[1.0]", "--allow-unsafe-ops")
        .assertOneLineError(1, "cannot run here: CudnnRNNV3 at rnn needs a GPU kernel");
  }

  @Test
  void shapeInferenceReadsAFileOnLoadWhenAllowed() throws Exception {
    // The control for the import rule: no signature reaches the ReadFile, yet loading reads the file.
    Path control = tmp.resolve("control-secret.txt");
    Files.writeString(control, "40");
    Instant now = Instant.now();
    Files.getFileAttributeView(control, BasicFileAttributeView.class).setTimes(FileTime.from(now),
        FileTime.from(now.minus(1, ChronoUnit.HOURS)), null);
    FileTime before = access(control);
    Path model = corpus.write(new CraftedModels.Attack("shaped", mg -> CraftedModels.shapedByFile(mg, control)),
        "shape-control");
    CliRun.run(new SavedModelCommand(), "run", model.toString(), "--input", "x=[1.0]", "--allow-unsafe-ops")
        .assertOk();
    boolean read = !access(control).equals(before);
    if (!read) {
      assumeTrue(readsUpdateAccessTime(control), "this file system does not record reads");
    }
    assertTrue(read, "loading read " + control + " though no signature reaches it");
  }

  private static boolean readsUpdateAccessTime(Path file) throws Exception {
    FileTime before = access(file);
    Files.readAllBytes(file);
    return !access(file).equals(before);
  }

  @Test
  void theSaverHijackIsARealAttackWhenAllowed() throws Exception {
    // The control for "no file written": with --allow-unsafe-ops, merely loading the model runs its Save.
    Path hijacked = corpus.write(corpus.attacks().get("restore that also saves (Save)"), "hijack-control");
    try {
      CliRun.run(new SavedModelCommand(), "run", hijacked.toString(), "--input", "x=[1.0]", "--allow-unsafe-ops")
          .assertOk();
      assertTrue(Files.exists(corpus.target), "the hijacked restore wrote " + corpus.target);
    } finally {
      Files.deleteIfExists(corpus.target);
    }
  }

  @AfterAll
  static void theSecretWasNeverOpened() throws Exception {
    assertNothingTouched();
    // The control: a read does change the access time on this file system, so the unchanged time is evidence.
    Files.readAllBytes(corpus.secret);
    assumeTrue(!access(corpus.secret).equals(secretAccess), "this file system does not record reads");
  }

  private static void assertNothingTouched() throws Exception {
    assertEquals(secretAccess, access(corpus.secret), "a refused model opened " + corpus.secret);
    assertFalse(Files.exists(corpus.target), "a refused model wrote " + corpus.target);
    List<String> stranger = new ArrayList<>();
    try (Stream<Path> files = Files.list(corpus.strangerPrefix.getParent())) {
      files.forEach(f -> stranger.add(f.getFileName().toString()));
    }
    assertEquals(List.of("variables.data-00000-of-00001", "variables.index"), stranger.stream().sorted().toList());
  }

  private static FileTime access(Path p) throws Exception {
    return Files.readAttributes(p, BasicFileAttributes.class).lastAccessTime();
  }
}
