package org.introdl.savedmodels;

import org.introdl.savedmodels.format.SavedModelDir;
import org.introdl.savedmodels.values.TensorSpec;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.introdl.savedmodels.cli.SavedModelCommand;
import org.junit.jupiter.api.Test;
import org.tensorflow.proto.DataType;

/** {@code savedmodel show} on the three Python SavedModels, against the tables of their README. */
class SavedModelShowTest {

  @Test
  void tf1HalfPlusTwoListsItsFiveSignatures() {
    SavedModelShow.Description d = SavedModelShow.describe(Fixtures.halfPlusTwoTf1());
    assertEquals(1, d.metaGraphs().size());
    SavedModelShow.MetaGraphInfo mg = d.metaGraphs().get(0);
    assertEquals(Set.of("serve"), mg.tags());
    assertEquals("1.14.0", mg.tensorflowVersion());
    assertEquals(74, mg.graphNodes());
    assertEquals(List.of("classify_x_to_y", "regress_x2_to_y3", "regress_x_to_y", "regress_x_to_y2",
        "serving_default"), mg.signatures().stream().map(SavedModelDir.Signature::key).toList());
    SavedModelDir.Signature serving = mg.signatures().get(4);
    assertEquals("tensorflow/serving/predict", serving.methodName());
    TensorSpec x = serving.inputs().get("x");
    assertEquals("x:0", x.tensorName());
    assertEquals(DataType.DT_FLOAT, x.dtype());
    assertArrayEquals(new long[] {-1, 1}, x.shape());
    assertEquals("y:0", serving.outputs().get("y").tensorName());
    TensorSpec example = mg.signatures().get(2).inputs().get("inputs");
    assertEquals(DataType.DT_STRING, example.dtype());
    assertNull(example.shape(), "tf_example:0 has an unknown rank");
    assertEquals(List.of("foo.txt"), mg.assets());
    assertEquals(5, d.variables().orElseThrow().entries().size(), "a, b, c, a2, c2");
  }

  @Test
  void tf2HalfPlusTwoHasFixedShapeInputsAndFunctions() {
    SavedModelShow.MetaGraphInfo mg = SavedModelShow.describe(Fixtures.halfPlusTwoTf2()).metaGraphs().get(0);
    assertEquals("2.14.0", mg.tensorflowVersion());
    assertEquals(14, mg.functions());
    SavedModelDir.Signature serving = mg.signatures().stream().filter(s -> s.key().equals("serving_default"))
        .findFirst().orElseThrow();
    assertEquals("serving_default_x:0", serving.inputs().get("x").tensorName());
    assertArrayEquals(new long[] {1}, serving.inputs().get("x").shape());
    assertEquals("StatefulPartitionedCall_5:0", serving.outputs().get("y").tensorName());
    assertTrue(mg.signatures().stream().anyMatch(s -> s.key().equals("__saved_model_init_op")));
  }

  @Test
  void kerasModelNamesItsInputAfterTheFirstLayer() {
    SavedModelShow.MetaGraphInfo mg = SavedModelShow.describe(Fixtures.kerasTf23()).metaGraphs().get(0);
    assertEquals("2.3.0", mg.tensorflowVersion());
    SavedModelDir.Signature serving = mg.signatures().stream().filter(s -> s.key().equals("serving_default"))
        .findFirst().orElseThrow();
    TensorSpec in = serving.inputs().get("test_in_input");
    assertEquals("serving_default_test_in_input:0", in.tensorName());
    assertArrayEquals(new long[] {-1, 5}, in.shape());
    assertArrayEquals(new long[] {-1, 1}, serving.outputs().get("test_out").shape());
  }

  @Test
  void commandPrintsSignaturesAndHidesInitOpUnlessAll() {
    String dir = Fixtures.halfPlusTwoTf2().toString();
    CliRun plain = CliRun.run(new SavedModelCommand(), "show", dir).assertOk();
    assertTrue(plain.out().contains("written by TensorFlow 2.14.0"), plain.out());
    assertTrue(plain.out().contains("input  x: serving_default_x:0 float32 [1]"), plain.out());
    assertTrue(!plain.out().contains("__saved_model_init_op"), plain.out());
    CliRun all = CliRun.run(new SavedModelCommand(), "show", dir, "--all").assertOk();
    assertTrue(all.out().contains("__saved_model_init_op"), all.out());
    assertTrue(all.out().contains("a/.ATTRIBUTES/VARIABLE_VALUE float32 []"), all.out());
  }

  @Test
  void everyRunLineThatShowPrintsRunsAsShown() throws Exception {
    java.nio.file.Path tmp = java.nio.file.Files.createTempDirectory("show-test");
    try {
      List<java.nio.file.Path> models = List.of(Fixtures.halfPlusTwoTf1(), Fixtures.halfPlusTwoTf2(),
          Fixtures.kerasTf23(), HandMadeModels.withDisagreeingSignature(tmp.resolve("stale")),
          HandMadeModels.counter(tmp.resolve("counter")));
      int ran = 0;
      for (java.nio.file.Path model : models) {
        CliRun show = CliRun.run(new SavedModelCommand(), "show", model.toString()).assertOk();
        assertTrue(show.out().endsWith("\n"), "the last line ends with a newline");
        for (String line : show.out().split("\n")) {
          if (!line.strip().startsWith("run with:")) {
            continue;
          }
          List<String> args = new java.util.ArrayList<>(List.of("run", model.toString()));
          java.util.regex.Matcher m = java.util.regex.Pattern.compile("(--\\S+) ('([^']*)'|(\\S+))")
              .matcher(line.substring(line.indexOf(':') + 1));
          while (m.find()) {
            args.add(m.group(1));
            args.add(m.group(3) != null ? m.group(3) : m.group(4));
          }
          if (line.contains("--signature regress") && model.endsWith("stale")) {
            continue; // the stale signature itself: show warns that run ignores it
          }
          CliRun.run(new SavedModelCommand(), args.toArray(String[]::new)).assertOk();
          ran++;
        }
      }
      assertEquals(5 + 6 + 1 + 1 + 4, ran, "a run line for every signature");
    } finally {
      org.introdl.core.io.AtomicFiles.deleteTree(tmp);
    }
  }

  /**
   * An image model's run line names a {@code .npy} file and its shape instead of writing out 4,096 zeros, and runs
   * once that file exists; an input of up to 16 values is still written out (the control).
   */
  @Test
  void aBigInputIsNamedAsAnNpyFileAndRunsOnceTheFileIsWritten() throws Exception {
    java.nio.file.Path tmp = java.nio.file.Files.createTempDirectory("show-test");
    try {
      java.nio.file.Path model = tmp.resolve("image");
      try (org.tensorflow.Graph g = new org.tensorflow.Graph()) {
        org.tensorflow.op.Ops tf = org.tensorflow.op.Ops.create(g);
        var image = tf.withName("image").placeholder(org.tensorflow.types.TFloat32.class,
            org.tensorflow.op.core.Placeholder.shape(org.tensorflow.ndarray.Shape.of(-1, 64, 64, 1)));
        var small = tf.withName("small").placeholder(org.tensorflow.types.TFloat32.class,
            org.tensorflow.op.core.Placeholder.shape(org.tensorflow.ndarray.Shape.of(-1, 4, 4)));
        var total = tf.withName("total").math.add(tf.sum(image, tf.constant(new int[] {1, 2, 3})),
            tf.sum(small, tf.constant(new int[] {1, 2})));
        HandMadeModels.export(g, model, org.tensorflow.Signature.builder().input("image", image)
            .input("small", small).output("total", total).build());
      }
      CliRun show = CliRun.run(new SavedModelCommand(), "show", model.toString()).assertOk();
      String line = show.out().lines().filter(l -> l.strip().startsWith("run with:")).findFirst().orElseThrow();
      assertEquals("    run with: --input 'image=@image.npy' --input 'small=[[[0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, "
          + "0.0], [0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0]]]' # write image.npy: float32 [1, 64, 64, 1]", line);

      org.introdl.core.io.Npy.write(tmp.resolve("image.npy"),
          org.introdl.core.io.Npy.Array.of(new float[64 * 64], 1, 64, 64, 1));
      CliRun run = CliRun.run(new SavedModelCommand(), "run", model.toString(),
          "--input", "image=@" + tmp.resolve("image.npy"),
          "--input", "small=[[[0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0]]]")
          .assertOk();
      assertTrue(run.out().contains("total"), run.out());
    } finally {
      org.introdl.core.io.AtomicFiles.deleteTree(tmp);
    }
  }

  @Test
  void showWarnsAboutWhatRunWillIgnoreOrRewrite() throws Exception {
    java.nio.file.Path tmp = java.nio.file.Files.createTempDirectory("show-test");
    try {
      CliRun show = CliRun.run(new SavedModelCommand(), "show",
          HandMadeModels.withDisagreeingSignature(tmp.resolve("stale")).toString()).assertOk();
      assertTrue(show.out().contains("  warning: run and convert: ignore signature 'regress' (not called): input "
          + "inputs is declared float32 but tf_example:0 is string in the graph\n"), show.out());
    } finally {
      org.introdl.core.io.AtomicFiles.deleteTree(tmp);
    }
  }

  @Test
  void showWarnsWhenTheModelIsNewerThanTheRuntime() throws Exception {
    java.nio.file.Path tmp = java.nio.file.Files.createTempDirectory("show-test");
    try {
      java.nio.file.Path model = HandMadeModels.editSignatures(HandMadeModels.counter(tmp.resolve("counter")),
          mg -> mg.toBuilder().setMetaInfoDef(mg.getMetaInfoDef().toBuilder().setTensorflowVersion("2.20.0"))
              .build());
      CliRun show = CliRun.run(new SavedModelCommand(), "show", model.toString()).assertOk();
      assertTrue(show.out().contains("  warning: written by TensorFlow 2.20.0, newer than this runtime ("
          + org.tensorflow.TensorFlow.version() + "); ops added since may be missing here\n"), show.out());
      CliRun older = CliRun.run(new SavedModelCommand(), "show", Fixtures.halfPlusTwoTf2().toString()).assertOk();
      assertTrue(!older.out().contains("warning"), older.out());
    } finally {
      org.introdl.core.io.AtomicFiles.deleteTree(tmp);
    }
  }

  @Test
  void showNamesOpsThatHaveNoCpuKernelHere() throws Exception {
    java.nio.file.Path tmp = java.nio.file.Files.createTempDirectory("show-test");
    try {
      java.nio.file.Path model = HandMadeModels.editSignatures(HandMadeModels.counter(tmp.resolve("counter")),
          mg -> {
            var graph = mg.getGraphDef().toBuilder();
            for (String name : List.of("layers", "units", "inputs")) {
              graph.addNode(org.tensorflow.proto.NodeDef.newBuilder().setName(name).setOp("Const")
                  .putAttr("dtype", org.tensorflow.proto.AttrValue.newBuilder().setType(DataType.DT_INT32).build())
                  .putAttr("value", org.tensorflow.proto.AttrValue.newBuilder().setTensor(
                      org.tensorflow.proto.TensorProto.newBuilder().setDtype(DataType.DT_INT32).addIntVal(1)).build()));
            }
            // Registered in every build, with a GPU kernel only.
            graph.addNode(org.tensorflow.proto.NodeDef.newBuilder().setName("size").setOp("CudnnRNNParamsSize")
                .addInput("layers").addInput("units").addInput("inputs")
                .putAttr("T", org.tensorflow.proto.AttrValue.newBuilder().setType(DataType.DT_FLOAT).build())
                .putAttr("S", org.tensorflow.proto.AttrValue.newBuilder().setType(DataType.DT_INT32).build()));
            return mg.toBuilder().setGraphDef(graph).build();
          });
      CliRun show = CliRun.run(new SavedModelCommand(), "show", model.toString()).assertOk();
      assertTrue(show.out().contains("  warning: no CPU kernel here for CudnnRNNParamsSize: run cannot execute a "
          + "signature that reaches them"), show.out());
      for (java.nio.file.Path fixture : List.of(Fixtures.halfPlusTwoTf1(), Fixtures.halfPlusTwoTf2(),
          Fixtures.kerasTf23())) {
        String out = CliRun.run(new SavedModelCommand(), "show", fixture.toString()).assertOk().out();
        assertTrue(!out.contains("warning"), out);
      }
    } finally {
      org.introdl.core.io.AtomicFiles.deleteTree(tmp);
    }
  }

  @Test
  void versionsCompareNumerically() {
    assertTrue(SavedModelShow.compareVersions("2.20.0", "2.18.0") > 0);
    assertTrue(SavedModelShow.compareVersions("2.9.1", "2.18.0") < 0);
    assertEquals(0, SavedModelShow.compareVersions("2.18.0", "2.18.0"));
    assertTrue(SavedModelShow.compareVersions("2.19.0-rc1", "2.18.0") > 0);
  }
}
