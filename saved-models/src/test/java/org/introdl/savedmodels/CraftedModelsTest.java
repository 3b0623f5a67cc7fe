package org.introdl.savedmodels;

import org.introdl.savedmodels.format.SavedModelExport;
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
import org.introdl.savedmodels.safety.UnsafeOps;
import org.introdl.savedmodels.cli.CheckpointCommand;
import org.introdl.savedmodels.cli.GraphCommand;
import org.introdl.savedmodels.cli.SavedModelCommand;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.introdl.savedmodels.graph.GraphFile;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.proto.AssetFileDef;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.SaverDef;
import org.tensorflow.proto.TensorInfo;

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

      // show and savedmodel convert never run a signature, but their repairs import the graph into TensorFlow.
      CliRun.run(new SavedModelCommand(), "show", model.toString());
      Path repaired = model.resolve("repaired");
      CliRun.run(new SavedModelCommand(), "convert", model.toString(), "--to", repaired.toString())
          .assertOneLineError(1, "refusing to run a model");
      assertFalse(Files.exists(repaired), "a refused conversion writes nothing");

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
    // So would a model folder that is itself a link (to anywhere on the machine).
    Path rootLink = Files.createSymbolicLink(tmp.resolve("link-to-clean"), corpus.clean);
    CliRun.run(new SavedModelCommand(), "run", rootLink.toString(), "--input", "x=[1.0]")
        .assertOneLineError(1, rootLink.toString(), "is a symbolic link");
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
    // Keras 3 writes CudnnRNNV3 for an LSTM exported while a GPU was visible; this runtime has no CPU kernel. run
    // rewrites such layers for the CPU; this one (input mode skip_input) it cannot, and says why in one line.
    Path model = corpus.write(new CraftedModels.Attack("gpu only", mg -> CraftedModels.served(mg,
        CraftedModels.node("rnn", "CudnnRNNV3", "x", "x", "x", "x", "x").toBuilder().putAttr("input_mode",
            org.tensorflow.proto.AttrValue.newBuilder().setS(com.google.protobuf.ByteString.copyFromUtf8("skip_input"))
                .build()).build())), "gpu-only");
    CliRun scan = CliRun.run(new SavedModelCommand(), "scan", model.toString()).assertOk();
    assertTrue(scan.out().contains("serving_default: safe, but cannot run on this CPU-only runtime")
        && scan.out().contains("CudnnRNNV3 (needs a GPU kernel"), scan.out());
    CliRun.run(new SavedModelCommand(), "run", model.toString(), "--input", "x=[1.0]", "--allow-unsafe-ops")
        .assertOneLineError(1, "cannot rewrite CudnnRNNV3 'rnn' in the graph for the CPU: input_mode 'skip_input'");
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

  @Test
  void aWriteFileNamedInitIsRunByTheSessionWhenAllowed() throws Exception {
    // The control for the session's own roots: nothing fetches Init_pwn, yet graph run runs it.
    Path model = corpus.write(corpus.attacks().get("WriteFile named Init, run by the session on its own"),
        "init-control");
    try {
      CliRun.run(new GraphCommand(), "run", model.resolve("model.meta").toString(), "--checkpoint",
          model.resolve("variables/variables").toString(), "--input", "x=[1.0]", "--output", "y",
          "--allow-unsafe-ops").assertOk();
      assertTrue(Files.exists(corpus.target), "the session ran Init_pwn and wrote " + corpus.target);
    } finally {
      Files.deleteIfExists(corpus.target);
    }
  }

  @Test
  void anAssetThatFeedsTheRestorePrefixIsRefused() throws Exception {
    // The loader feeds every asset tensor with assets/<filename> while it restores: an asset naming an Identity
    // of the restore prefix, with a ../../ filename, would restore the stranger's checkpoint (bias 100).
    CraftedModels.Attack attack = new CraftedModels.Attack("asset", mg -> {
      MetaGraphDef fed = CraftedModels.restoringFrom(mg, CraftedModels.node("prefix_id", "Identity",
          CraftedModels.restorePrefix(mg)).toBuilder().putAttr("T", CraftedModels.type(DataType.DT_STRING)).build());
      return fed.toBuilder().addAssetFileDef(AssetFileDef.newBuilder().setTensorInfo(TensorInfo.newBuilder()
          .setName("prefix_id:0")).setFilename("../../stranger/variables")).build();
    });
    Path model = corpus.write(attack, "asset-prefix");
    Files.createDirectories(model.resolve("assets"));
    CliRun scan = CliRun.run(new SavedModelCommand(), "scan", model.toString());
    assertEquals(SavedModelCommand.EXIT_CHECK_FAILED, scan.exitCode(), scan.out());
    assertTrue(scan.out().contains("AssetFileDef"), scan.out());
    CliRun.run(new SavedModelCommand(), "run", model.toString(), "--input", "x=[1.0]")
        .assertOneLineError(1, model.toString(), "refusing to run a model", "AssetFileDef");
    // The control: allowed, the model restores the stranger's bias.
    CliRun allowed = CliRun.run(new SavedModelCommand(), "run", model.toString(), "--input", "x=[1.0]",
        "--allow-unsafe-ops").assertOk();
    assertTrue(allowed.out().contains("[101.0]"), allowed.out());
  }

  /** The clean model with its saver's nodes moved from save/ to {@code scope}/. */
  private static MetaGraphDef saverUnder(MetaGraphDef mg, String scope) {
    GraphDef.Builder g = GraphDef.newBuilder(mg.getGraphDef()).clearNode();
    for (NodeDef n : mg.getGraphDef().getNodeList()) {
      g.addNode(renamed(n, "save/", scope + "/"));
    }
    SaverDef s = mg.getSaverDef();
    return mg.toBuilder().setGraphDef(g).setSaverDef(s.toBuilder()
        .setFilenameTensorName(s.getFilenameTensorName().replace("save/", scope + "/"))
        .setSaveTensorName(s.getSaveTensorName().replace("save/", scope + "/"))
        .setRestoreOpName(s.getRestoreOpName().replace("save/", scope + "/"))).build();
  }

  private static NodeDef renamed(NodeDef n, String from, String to) {
    NodeDef.Builder b = n.toBuilder().setName(n.getName().startsWith(from) ? to + n.getName().substring(
        from.length()) : n.getName()).clearInput();
    for (String in : n.getInputList()) {
      String bare = in.startsWith("^") ? in.substring(1) : in;
      b.addInput((in.startsWith("^") ? "^" : "") + (bare.startsWith(from) ? to + bare.substring(from.length())
          : bare));
    }
    return b.build();
  }

  @Test
  void aPlantedSaverForTheExporterIsRefusedByConvert() throws Exception {
    // The model's saver lives under mine/; planted under save/ (what TensorFlow Java's exporter adopts as its own
    // saver when save/restore_all exists) is a save tensor that writes a file, hung on the model's save path.
    CraftedModels.Attack attack = new CraftedModels.Attack("planted saver", mg -> {
      MetaGraphDef moved = saverUnder(mg, "mine");
      MetaGraphDef planted = CraftedModels.withNodes(moved, CraftedModels.stringConst("pwn_path",
              corpus.target.toString()), CraftedModels.stringConst("pwn_text", "pwned"),
          CraftedModels.node("evil", "WriteFile", "pwn_path", "pwn_text"),
          CraftedModels.node("save/filename", "Placeholder").toBuilder().putAttr("dtype",
              CraftedModels.type(DataType.DT_STRING)).build(),
          CraftedModels.node("save/control_dependency", "Identity", "save/filename", "^evil").toBuilder()
              .putAttr("T", CraftedModels.type(DataType.DT_STRING)).build(),
          CraftedModels.node("save/restore_all", "NoOp"));
      String saveTensor = CraftedModels.GraphNames.node(moved.getSaverDef().getSaveTensorName());
      GraphDef.Builder g = planted.getGraphDef().toBuilder();
      for (int i = 0; i < g.getNodeCount(); i++) {
        if (g.getNode(i).getName().equals(saveTensor)) {
          g.setNode(i, g.getNode(i).toBuilder().addInput("^save/control_dependency").build());
        }
      }
      return planted.toBuilder().setGraphDef(g).build();
    });
    Path model = corpus.write(attack, "planted-saver");
    Path meta = model.resolve("model.meta");
    Path converted = model.resolve("converted");
    CliRun.run(new CheckpointCommand(), "convert", model.resolve("variables/variables").toString(), "--meta",
        meta.toString(), "--to", converted.toString(), "--input", "x=x:0", "--output", "y=y:0")
        .assertOneLineError(1, "refusing to run a model", "WriteFile");
    CliRun show = CliRun.run(new GraphCommand(), "show", meta.toString()).assertOk();
    assertTrue(show.out().contains("unsafe ops: WriteFile"), show.out());
    assertFalse(Files.exists(converted) || Files.exists(corpus.target));
    // Even allowed, the conversion refuses to leave the planted restore op for the exporter.
    CliRun.run(new CheckpointCommand(), "convert", model.resolve("variables/variables").toString(), "--meta",
        meta.toString(), "--to", converted.toString(), "--input", "x=x:0", "--output", "y=y:0",
        "--allow-unsafe-ops").assertOneLineError(1, "save/restore_all");
    assertFalse(Files.exists(corpus.target));
    // The control: the graph less the saver's name scope (what was once removed), exported, runs the planted save.
    GraphFile g = GraphFile.read(meta);
    GraphDef.Builder scopeRemoved = g.graph().toBuilder().clearNode();
    g.graph().getNodeList().stream().filter(n -> !n.getName().startsWith("mine/")).forEach(scopeRemoved::addNode);
    try (Graph graph = new Graph()) {
      graph.importGraphDef(scopeRemoved.build());
      try (Session session = new Session(graph)) {
        SavedModelExport.export(session, Signature.builder().input("x", graph.output("x")).output("y",
            graph.output("y")).build(), tmp.resolve("scope-removed"));
      } catch (UserError expected) {
        // The planted save tensor is no real save; the export fails after it ran.
      }
      assertTrue(Files.exists(corpus.target), "the exporter ran the planted save/control_dependency");
    } finally {
      Files.deleteIfExists(corpus.target);
    }
  }

  @Test
  void aGraphWithTwoSaversConvertsAndShowsNothingUnsafe() throws Exception {
    // tf.train.Saver() called twice: save/ and save_1/, the model's SaverDef naming either.
    for (boolean secondNamed : List.of(false, true)) {
      CraftedModels.Attack twoSavers = new CraftedModels.Attack("two savers", mg -> {
        MetaGraphDef.Builder b = mg.toBuilder();
        mg.getGraphDef().getNodeList().stream().filter(n -> n.getName().startsWith("save/"))
            .forEach(n -> b.getGraphDefBuilder().addNode(renamed(n, "save/", "save_1/")));
        return secondNamed ? saverUnder(mg, "save_1").toBuilder().setGraphDef(b.getGraphDef()).build() : b.build();
      });
      Path model = corpus.write(twoSavers, "two-savers-" + secondNamed);
      Path meta = model.resolve("model.meta");
      CliRun show = CliRun.run(new GraphCommand(), "show", meta.toString()).assertOk();
      assertTrue(show.out().contains("unsafe ops: none"), show.out());
      // The other saver's save tensor is no output: the one output is y, fetched when none is named.
      CliRun graphRun = CliRun.run(new GraphCommand(), "run", meta.toString(), "--checkpoint",
          model.resolve("variables/variables").toString(), "--input", "x=[1.0]").assertOk();
      assertTrue(graphRun.out().contains("[3.0]"), graphRun.out());
      Path converted = model.resolve("converted");
      CliRun.run(new CheckpointCommand(), "convert", model.resolve("variables/variables").toString(), "--meta",
          meta.toString(), "--to", converted.toString(), "--input", "x=x:0", "--output", "y=y:0").assertOk();
      CliRun run = CliRun.run(new SavedModelCommand(), "run", converted.toString(), "--input", "x=[1.0]")
          .assertOk();
      assertTrue(run.out().contains("[3.0]"), run.out());
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
