package org.introdl.savedmodels;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.FunctionDef;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.NameAttrList;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.OpDef;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;
import org.tensorflow.types.TFloat32;

/**
 * The crafted-model corpus: a small model exported by TensorFlow Java ({@code y = x + bias}, a variable restored
 * by its saver), and one variant per attack class, made by editing its {@code saved_model.pb} the way an attacker
 * would. Each attack is wired so that it runs: on the {@code serving_default} path (a control input of {@code y}),
 * or on the restore path (a control input of the saver's restore op).
 */
final class CraftedModels {
  /** An attack: its name and the edit that makes it from the clean model. */
  record Attack(String name, UnaryOperator<MetaGraphDef> edit) {
    @Override
    public String toString() {
      return name;
    }
  }

  final Path dir;
  final Path clean;
  /** A file no refused model may open. */
  final Path secret;
  /** A path no refused model may create. */
  final Path target;
  /** Someone else's checkpoint (prefix): no refused model may read, move or delete it. */
  final Path strangerPrefix;

  CraftedModels(Path dir) throws IOException {
    this.dir = dir;
    this.secret = dir.resolve("secret.txt");
    Files.writeString(secret, "40");
    this.target = dir.resolve("pwned");
    this.clean = dir.resolve("clean");
    export(clean, 2f);
    // Someone else's model of the same shape, whose bias is 100: reading its checkpoint shows in the output.
    Path strangers = dir.resolve("strangers-model");
    export(strangers, 100f);
    Path stranger = Files.createDirectories(dir.resolve("stranger"));
    for (String f : List.of("variables.index", "variables.data-00000-of-00001")) {
      Files.copy(strangers.resolve("variables").resolve(f), stranger.resolve(f));
    }
    this.strangerPrefix = stranger.resolve("variables");
  }

  private static void export(Path out, float biasValue) throws IOException {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> x = tf.withName("x").placeholder(TFloat32.class);
      Variable<TFloat32> bias = tf.withName("bias").variable(tf.constant(biasValue));
      Operand<TFloat32> y = tf.withName("y").math.add(x, bias);
      try (Session s = new Session(g)) {
        s.initialize();
        SavedModelBundle.exporter(out.toString()).withSession(s)
            .withSignature(Signature.builder().input("x", x).output("y", y).build()).export();
      }
    }
  }

  /**
   * Every attack class of the issue, each made from the clean model. The huge tensors declare a terabyte, so that
   * they are over the default budget (half of the memory) on any machine that runs these tests.
   */
  Map<String, Attack> attacks() {
    GraphDef readsSecret = graph(stringConst("p", secret.toString()), node("r", "ReadFile", "p"));
    GraphDef writesTarget = graph(stringConst("p", target.toString()), stringConst("c", "pwned"),
        node("w", "WriteFile", "p", "c"));
    Map<String, Attack> m = new LinkedHashMap<>();
    add(m, "embedded graph with ReadFile", mg -> served(mg, stringConst("graph_def", readsSecret.toByteString()),
        node("ds", "DatasetFromGraph", "graph_def")));
    add(m, "embedded graph with WriteFile", mg -> served(mg, stringConst("graph_def", writesTarget.toByteString()),
        node("ds", "DatasetFromGraph", "graph_def")));
    add(m, "embedded graph in base64", mg -> served(mg,
        stringConst("b64", Base64.getUrlEncoder().encodeToString(readsSecret.toByteArray())),
        node("decoded", "DecodeBase64", "b64"), node("ds", "DatasetFromGraph", "decoded")));
    add(m, "restore that also saves (Save)", mg -> onRestore(mg, stringConst("evil_path", target.toString()),
        stringVector("evil_names", "bias"), floatConst("evil_data", 1f),
        node("evil_save", "Save", "evil_path", "evil_names", "evil_data").toBuilder()
            .putAttr("T", types(DataType.DT_FLOAT)).build()));
    add(m, "RestoreV2 of a foreign prefix", mg -> onRestore(mg, stringConst("foreign", strangerPrefix.toString()),
        stringVector("foreign_names", "bias"), stringVector("foreign_slices", ""),
        node("foreign_restore", "RestoreV2", "foreign", "foreign_names", "foreign_slices").toBuilder()
            .putAttr("dtypes", types(DataType.DT_FLOAT)).build(),
        node("foreign_assign", "Assign", "bias", "foreign_restore").toBuilder()
            .putAttr("T", type(DataType.DT_FLOAT)).build()));
    add(m, "MergeV2Checkpoints deleting old dirs", mg -> onRestore(mg,
        stringVector("sources", strangerPrefix.toString()), stringConst("dest", target.toString()),
        node("merge", "MergeV2Checkpoints", "sources", "dest").toBuilder()
            .putAttr("delete_old_dirs", AttrValue.newBuilder().setB(true).build()).build()));
    add(m, "ReadFile run by shape inference, reached by no signature", mg -> shapedByFile(mg, secret));
    add(m, "DecodeProtoV2 descriptor_source", mg -> served(mg, stringConst("bytes", ""),
        node("decode", "DecodeProtoV2", "bytes").toBuilder().putAttr("descriptor_source", str(secret.toString()))
            .putAttr("message_type", str("tensorflow.Example")).build()));
    add(m, "RecordInput", mg -> served(mg, node("records", "RecordInput").toBuilder()
        .putAttr("file_pattern", str(secret.toString())).build()));
    add(m, "snapshot dataset", mg -> served(mg, stringConst("snapshot_dir", dir.toString()),
        node("chunks", "ListSnapshotChunksDataset", "snapshot_dir")));
    add(m, "huge Const", mg -> served(mg, NodeDef.newBuilder().setName("huge").setOp("Const")
        .putAttr("dtype", type(DataType.DT_FLOAT)).putAttr("value", AttrValue.newBuilder().setTensor(
            TensorProto.newBuilder().setDtype(DataType.DT_FLOAT).setTensorShape(shape(270_000_000_000L))
                .addFloatVal(1f)).build()).build()));
    add(m, "huge Fill", mg -> served(mg, NodeDef.newBuilder().setName("dims").setOp("Const")
            .putAttr("dtype", type(DataType.DT_INT64)).putAttr("value", AttrValue.newBuilder().setTensor(
                TensorProto.newBuilder().setDtype(DataType.DT_INT64).setTensorShape(shape(1))
                    .addInt64Val((1L << 40) / 4)).build()).build(),
        floatConst("one", 1f), node("fill", "Fill", "dims", "one").toBuilder().putAttr("T", type(DataType.DT_FLOAT))
            .build()));
    add(m, "duplicate function names", mg -> withFunctions(served(mg, node("call", "StatefulPartitionedCall")
            .toBuilder().putAttr("f", func("helper")).build()),
        function("helper", node("fine", "NoOp")),
        function("helper", stringConst("p", secret.toString()), node("r", "ReadFile", "p"))));
    add(m, "function named like an op", mg -> withFunctions(served(mg, stringConst("p", secret.toString()),
        node("r", "ReadFile", "p")), function("ReadFile", node("fine", "NoOp"))));
    add(m, "op name in another case", mg -> served(mg, stringConst("p", secret.toString()),
        node("r", "readFile", "p")));
    add(m, "PrintV2 to a file", mg -> served(mg, stringConst("msg", "leak"),
        node("print", "PrintV2", "msg").toBuilder().putAttr("output_stream", str("file://" + target)).build()));
    add(m, "DebugIdentityV2", mg -> served(mg, node("debug", "DebugIdentityV2", "x").toBuilder()
        .putAttr("T", type(DataType.DT_FLOAT)).putAttr("debug_urls", strings("file://" + target)).build()));
    add(m, "collective op", mg -> served(mg, node("collective", "CollectiveReduceV2", "x")));
    add(m, "XlaCallModule", mg -> served(mg, node("xla", "XlaCallModule", "x")));
    add(m, "WriteFile named Init, run by the session on its own", mg -> withNodes(mg,
        stringConst("pwn_path", target.toString()), stringConst("pwn_text", "pwned"),
        node("Init_pwn", "WriteFile", "pwn_path", "pwn_text")));
    add(m, "restore prefix with a suffix held in tensor_content", mg -> restoringFrom(mg,
        stringContent("suffix", "/../../stranger/variables"), node("joined", "StringJoin", restorePrefix(mg),
            "suffix")));
    add(m, "variant constant", mg -> served(mg, NodeDef.newBuilder().setName("variant").setOp("Const")
        .putAttr("dtype", type(DataType.DT_VARIANT)).putAttr("value", AttrValue.newBuilder().setTensor(
            TensorProto.newBuilder().setDtype(DataType.DT_VARIANT).setTensorShape(shape(1L << 40))).build())
        .build()));
    add(m, "huge Fill shaped by an Add of constants", mg -> served(mg, int64("half", (1L << 40) / 8),
        node("dims", "AddV2", "half", "half").toBuilder().putAttr("T", type(DataType.DT_INT64)).build(),
        node("packed", "Pack", "dims").toBuilder().putAttr("T", type(DataType.DT_INT64)).putAttr("N",
            AttrValue.newBuilder().setI(1).build()).build(),
        floatConst("one", 1f), node("fill", "Fill", "packed", "one").toBuilder()
            .putAttr("T", type(DataType.DT_FLOAT)).build()));
    add(m, "huge string repeated to its shape", mg -> served(mg, NodeDef.newBuilder().setName("strings")
        .setOp("Const").putAttr("dtype", type(DataType.DT_STRING)).putAttr("value", AttrValue.newBuilder()
            .setTensor(TensorProto.newBuilder().setDtype(DataType.DT_STRING).setTensorShape(shape(1L << 28))
                .addStringVal(ByteString.copyFrom(new byte[4096]))).build()).build()));
    add(m, "huge TensorListReserve", mg -> served(mg, int64("element_shape", 1000), int64("count", 2_000_000_000L),
        node("list", "TensorListReserve", "element_shape", "count").toBuilder()
            .putAttr("element_dtype", type(DataType.DT_FLOAT)).build()));
    return m;
  }

  private static void add(Map<String, Attack> m, String name, UnaryOperator<MetaGraphDef> edit) {
    m.put(name, new Attack(name, edit));
  }

  /** Writes the attack as a SavedModel folder (the clean model's variables beside it) and as a .meta file. */
  Path write(Attack attack) throws IOException {
    return write(attack, attack.name().replaceAll("[^A-Za-z0-9]+", "-"));
  }

  /** The same, into folder {@code name}. */
  Path write(Attack attack, String name) throws IOException {
    Path out = dir.resolve(name);
    Files.createDirectories(out.resolve("variables"));
    for (String f : List.of("variables.index", "variables.data-00000-of-00001")) {
      Files.copy(clean.resolve("variables").resolve(f), out.resolve("variables").resolve(f));
    }
    MetaGraphDef edited = attack.edit().apply(cleanMetaGraph());
    Files.write(out.resolve("saved_model.pb"), SavedModel.newBuilder().addMetaGraphs(edited).build().toByteArray());
    Files.write(out.resolve("model.meta"), edited.toByteArray());
    return out;
  }

  MetaGraphDef cleanMetaGraph() throws IOException {
    return SavedModel.parseFrom(Files.readAllBytes(clean.resolve("saved_model.pb"))).getMetaGraphs(0);
  }

  // ---- edits ----

  /**
   * Adds a Reshape whose shape is the content of {@code file} (a number), connected to nothing: TensorFlow reads the
   * file while it imports the graph (shape inference), before anything runs.
   */
  static MetaGraphDef shapedByFile(MetaGraphDef mg, Path file) {
    GraphDef.Builder g = mg.getGraphDef().toBuilder().addNode(stringConst("secret_path", file.toString()))
        .addNode(node("secret", "ReadFile", "secret_path"))
        .addNode(node("number", "StringToNumber", "secret").toBuilder().putAttr("out_type", type(DataType.DT_INT32))
            .build())
        .addNode(node("shape", "Reshape", "number", "one_dim").toBuilder().putAttr("T", type(DataType.DT_INT32))
            .build())
        .addNode(NodeDef.newBuilder().setName("one_dim").setOp("Const").putAttr("dtype", type(DataType.DT_INT32))
            .putAttr("value", AttrValue.newBuilder().setTensor(TensorProto.newBuilder().setDtype(DataType.DT_INT32)
                .setTensorShape(shape(1)).addIntVal(1)).build()).build())
        .addNode(NodeDef.newBuilder().setName("values").setOp("Const").putAttr("dtype", type(DataType.DT_FLOAT))
            .putAttr("value", AttrValue.newBuilder().setTensor(TensorProto.newBuilder().setDtype(DataType.DT_FLOAT)
                .setTensorShape(shape(40)).addFloatVal(0f)).build()).build())
        .addNode(node("shaped", "Reshape", "values", "shape").toBuilder().putAttr("T", type(DataType.DT_FLOAT))
            .build());
    return mg.toBuilder().setGraphDef(g).build();
  }

  /** Adds {@code nodes} and makes the served output {@code y} depend on the last one. */
  static MetaGraphDef served(MetaGraphDef mg, NodeDef... nodes) {
    return dependOn(mg, "y", nodes);
  }

  /** Adds {@code nodes} and makes the saver's restore op depend on the last one. */
  static MetaGraphDef onRestore(MetaGraphDef mg, NodeDef... nodes) {
    return dependOn(mg, GraphNames.node(mg.getSaverDef().getRestoreOpName()), nodes);
  }

  private static MetaGraphDef dependOn(MetaGraphDef mg, String dependent, NodeDef... nodes) {
    GraphDef.Builder g = mg.getGraphDef().toBuilder();
    for (NodeDef n : nodes) {
      g.addNode(n);
    }
    for (int i = 0; i < g.getNodeCount(); i++) {
      if (g.getNode(i).getName().equals(dependent)) {
        g.setNode(i, g.getNode(i).toBuilder().addInput("^" + nodes[nodes.length - 1].getName()));
      }
    }
    return mg.toBuilder().setGraphDef(g).build();
  }

  /** Adds {@code nodes}, connected to nothing. */
  static MetaGraphDef withNodes(MetaGraphDef mg, NodeDef... nodes) {
    return mg.toBuilder().setGraphDef(mg.getGraphDef().toBuilder().addAllNode(List.of(nodes))).build();
  }

  /** The checkpoint reader of the saver's restore path. */
  private static NodeDef restoreReader(MetaGraphDef mg) {
    return mg.getGraphDef().getNodeList().stream().filter(n -> n.getOp().equals("RestoreV2")).findFirst()
        .orElseThrow();
  }

  /** The tensor the saver's checkpoint reader takes its prefix from. */
  static String restorePrefix(MetaGraphDef mg) {
    return restoreReader(mg).getInput(0);
  }

  /** Adds {@code nodes} and makes the saver's checkpoint reader read the prefix the last one computes. */
  static MetaGraphDef restoringFrom(MetaGraphDef mg, NodeDef... nodes) {
    GraphDef.Builder g = mg.getGraphDef().toBuilder().addAllNode(List.of(nodes));
    String reader = restoreReader(mg).getName();
    for (int i = 0; i < g.getNodeCount(); i++) {
      if (g.getNode(i).getName().equals(reader)) {
        g.setNode(i, g.getNode(i).toBuilder().setInput(0, nodes[nodes.length - 1].getName()).build());
      }
    }
    return mg.toBuilder().setGraphDef(g).build();
  }

  static MetaGraphDef withFunctions(MetaGraphDef mg, FunctionDef... functions) {
    GraphDef.Builder g = mg.getGraphDef().toBuilder();
    for (FunctionDef f : functions) {
      g.getLibraryBuilder().addFunction(f);
    }
    return mg.toBuilder().setGraphDef(g).build();
  }

  // ---- protos ----

  static NodeDef node(String name, String op, String... inputs) {
    return NodeDef.newBuilder().setName(name).setOp(op).addAllInput(List.of(inputs)).build();
  }

  static NodeDef stringConst(String name, String value) {
    return stringConst(name, ByteString.copyFromUtf8(value));
  }

  static NodeDef stringConst(String name, ByteString value) {
    return NodeDef.newBuilder().setName(name).setOp("Const").putAttr("dtype", type(DataType.DT_STRING))
        .putAttr("value", AttrValue.newBuilder().setTensor(TensorProto.newBuilder().setDtype(DataType.DT_STRING)
            .addStringVal(value)).build()).build();
  }

  /** A string vector (shape [n]). */
  static NodeDef stringVector(String name, String... values) {
    TensorProto.Builder t = TensorProto.newBuilder().setDtype(DataType.DT_STRING).setTensorShape(shape(values.length));
    for (String v : values) {
      t.addStringVal(ByteString.copyFromUtf8(v));
    }
    return NodeDef.newBuilder().setName(name).setOp("Const").putAttr("dtype", type(DataType.DT_STRING))
        .putAttr("value", AttrValue.newBuilder().setTensor(t).build()).build();
  }

  /** A string vector held in tensor_content (varint lengths, then the bytes), as TensorFlow also reads it. */
  static NodeDef stringContent(String name, String... values) {
    ByteString.Output lengths = ByteString.newOutput();
    ByteString.Output bytes = ByteString.newOutput();
    for (String v : values) {
      byte[] b = v.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      for (int n = b.length; ; n >>>= 7) {
        if ((n & ~0x7f) == 0) {
          lengths.write(n);
          break;
        }
        lengths.write((n & 0x7f) | 0x80);
      }
      bytes.write(b, 0, b.length);
    }
    return NodeDef.newBuilder().setName(name).setOp("Const").putAttr("dtype", type(DataType.DT_STRING))
        .putAttr("value", AttrValue.newBuilder().setTensor(TensorProto.newBuilder().setDtype(DataType.DT_STRING)
            .setTensorShape(shape(values.length)).setTensorContent(lengths.toByteString()
                .concat(bytes.toByteString()))).build()).build();
  }

  static NodeDef int64(String name, long value) {
    return NodeDef.newBuilder().setName(name).setOp("Const").putAttr("dtype", type(DataType.DT_INT64))
        .putAttr("value", AttrValue.newBuilder().setTensor(TensorProto.newBuilder().setDtype(DataType.DT_INT64)
            .addInt64Val(value)).build()).build();
  }

  static NodeDef floatConst(String name, float value) {
    return NodeDef.newBuilder().setName(name).setOp("Const").putAttr("dtype", type(DataType.DT_FLOAT))
        .putAttr("value", AttrValue.newBuilder().setTensor(TensorProto.newBuilder().setDtype(DataType.DT_FLOAT)
            .addFloatVal(value)).build()).build();
  }

  static GraphDef graph(NodeDef... nodes) {
    return GraphDef.newBuilder().addAllNode(List.of(nodes)).build();
  }

  static FunctionDef function(String name, NodeDef... nodes) {
    return FunctionDef.newBuilder().setSignature(OpDef.newBuilder().setName(name)).addAllNodeDef(List.of(nodes))
        .build();
  }

  static AttrValue type(DataType t) {
    return AttrValue.newBuilder().setType(t).build();
  }

  static AttrValue types(DataType... ts) {
    AttrValue.ListValue.Builder l = AttrValue.ListValue.newBuilder();
    for (DataType t : ts) {
      l.addType(t);
    }
    return AttrValue.newBuilder().setList(l).build();
  }

  static AttrValue str(String s) {
    return AttrValue.newBuilder().setS(ByteString.copyFromUtf8(s)).build();
  }

  static AttrValue strings(String... s) {
    AttrValue.ListValue.Builder l = AttrValue.ListValue.newBuilder();
    for (String v : s) {
      l.addS(ByteString.copyFromUtf8(v));
    }
    return AttrValue.newBuilder().setList(l).build();
  }

  static AttrValue func(String name) {
    return AttrValue.newBuilder().setFunc(NameAttrList.newBuilder().setName(name)).build();
  }

  static TensorShapeProto shape(long... dims) {
    TensorShapeProto.Builder b = TensorShapeProto.newBuilder();
    for (long d : dims) {
      b.addDim(TensorShapeProto.Dim.newBuilder().setSize(d));
    }
    return b.build();
  }

  /** Node names from tensor or op names. */
  static final class GraphNames {
    static String node(String name) {
      String s = name.startsWith("^") ? name.substring(1) : name;
      int colon = s.indexOf(':');
      return colon < 0 ? s : s.substring(0, colon);
    }
  }
}
