package org.introdl.savedmodels;

import org.introdl.savedmodels.format.SavedModelDir;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.introdl.core.safety.RunLimits;
import org.introdl.savedmodels.safety.UnsafeOps;
import org.introdl.core.testing.SharedFixtures;
import org.introdl.savedmodels.cli.GraphCommand;
import org.introdl.savedmodels.cli.SavedModelCommand;
import org.introdl.savedmodels.graph.GraphFile;
import org.junit.jupiter.api.Test;
import org.tensorflow.proto.MetaGraphDef;

/**
 * The scanner must not cry wolf: every SavedModel, graph and checkpoint graph Python made in {@code ../shared/data}
 * scans safe, with its restore validated, and passes the gate that {@code run} applies without
 * {@code --allow-unsafe-ops} (the runs themselves are checked against their known values in SignatureRunnerTest,
 * GraphCommandTest and CheckpointConvertTest). The Keras files there ({@code keras-models}) hold no TensorFlow graph:
 * the Java code builds one from their layer list; the SavedModels {@code keras convert} makes of them (one per layer
 * family: LSTM, GRU, masking, convolutions, a ResNet, an embedding) scan safe in KerasConvertTest.
 */
class NoFalseAlarmsTest {

  @Test
  void everyPythonSavedModelScansSafeInEverySignature() throws Exception {
    List<Path> models;
    try (Stream<Path> dirs = Files.list(SharedFixtures.require("python-savedmodels"))) {
      models = dirs.filter(d -> Files.exists(d.resolve("saved_model.pb"))).sorted().toList();
    }
    assertEquals(4, models.size(), models.toString());
    for (Path dir : models) {
      for (MetaGraphDef mg : SavedModelDir.open(dir).proto().getMetaGraphsList()) {
        UnsafeOps.SavedModelScan scan = UnsafeOps.scanEachSignature(mg);
        assertTrue(scan.isSafe(), dir + ": " + scan);
        assertTrue(scan.loading().saverCheckpointOps() > 0, dir + ": the restore path validated");
        for (String key : scan.signatures().keySet()) {
          UnsafeOps.requireRunnable(UnsafeOps.scanSignature(mg, key), dir.toString(), RunLimits.of(false));
        }
      }
      CliRun scan = CliRun.run(new SavedModelCommand(), "scan", dir.toString()).assertOk();
      if (dir.getFileName().toString().contains("cudnn_selector")) {
        // Keras 2's GRU: a CPU function and a cuDNN one with their gradients; the CPU one runs here.
        assertTrue(scan.out().contains("note: cuDNN alternative: needs a GPU; the CPU alternative runs"), scan.out());
      }
      UnsafeOps.requireSafeSavedModel(dir, "serving_default", RunLimits.of(false));
    }
  }

  @Test
  void everyPythonGraphAndCheckpointGraphScansSafe() {
    for (Path file : List.of(Fixtures.frozenLstm(), Fixtures.linearRegression().resolveSibling("model.meta"),
        Fixtures.xray().resolveSibling("model.ckpt.meta"))) {
      GraphFile g = GraphFile.read(file);
      UnsafeOps.Report whole = UnsafeOps.scan(g.graph(), g.saver().orElse(null));
      assertTrue(whole.isSafe(), file + ": " + whole.findings());
      CliRun show = CliRun.run(new GraphCommand(), "show", file.toString()).assertOk();
      assertTrue(show.out().contains("unsafe ops: none"), show.out());
      assertTrue(whole.needsGpuKernel().isEmpty(), file + ": " + whole.needsGpuKernel());
      g.saver().ifPresent(saver -> assertTrue(UnsafeOps.scanFetches(g.graph(), g.outputs(), saver)
          .saverCheckpointOps() > 0, file + ": restore validated"));
    }
  }
}
