package org.introdl.savedmodels.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.introdl.core.UserError;
import org.introdl.core.testing.BadInputs;
import org.introdl.core.testing.SharedFixtures;
import org.introdl.savedmodels.CliRun;
import org.introdl.savedmodels.Fixtures;
import org.introdl.savedmodels.cli.CheckpointCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tensorflow.proto.BundleEntryProto;
import org.tensorflow.proto.BundleHeaderProto;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.TensorShapeProto;

/** The {@code .index} reader against Python-written indexes and against tables written here (snappy included). */
class TensorBundleIndexTest {

  @Test
  void xrayIndexMatchesTheIndependentlyDecodedJson() throws Exception {
    TensorBundleIndex index = TensorBundleIndex.read(CheckpointPrefix.resolve(Fixtures.xray()).index());
    JsonNode json = new ObjectMapper().readTree(SharedFixtures.require(
        "xray-2018-checkpoint-meta/checkpoint-variables.json").toFile());
    JsonNode vars = json.get("variables");
    assertEquals(36, index.entries().size());
    assertEquals(vars.size(), index.entries().size());
    for (int i = 0; i < vars.size(); i++) {
      JsonNode v = vars.get(i);
      TensorBundleIndex.Entry e = index.entries().get(i);
      assertEquals(v.get("name").asText(), e.name());
      assertEquals(v.get("dtype").asText(), e.dtype().name());
      long[] shape = new long[v.get("shape").size()];
      for (int d = 0; d < shape.length; d++) {
        shape[d] = v.get("shape").get(d).asLong();
      }
      assertArrayEquals(shape, e.shape(), e.name());
      assertEquals(v.get("data_offset").asLong(), e.offset(), e.name());
      assertEquals(v.get("data_size").asLong(), e.size(), e.name());
      assertEquals(Long.decode(v.get("crc32c_masked").asText()).intValue(), e.crc32c(), e.name());
    }
    assertEquals(1, index.header().getNumShards());
    assertEquals(41_160_208L, index.requiredDataBytes(0), "the README's size of the missing data file");
  }

  @Test
  void linearRegressionHoldsScalarsWAndB() {
    CheckpointList.Listing l = CheckpointList.list(Fixtures.linearRegression());
    assertEquals(List.of("W", "b"), l.index().entries().stream().map(TensorBundleIndex.Entry::name).toList());
    for (TensorBundleIndex.Entry e : l.index().entries()) {
      assertEquals(DataType.DT_FLOAT, e.dtype());
      assertEquals(0, e.shape().length);
      assertEquals(4, e.size());
    }
    assertTrue(l.dataComplete());
  }

  @Test
  void valuesFromTheDataFileAreTheDocumentedOnes() throws Exception {
    CheckpointList.Listing linear = CheckpointList.list(Fixtures.linearRegression());
    assertEquals(Fixtures.LINEAR_W, TensorValues.read(linear.index(), linear.index().entries().get(0)).toFloats()[0]);
    assertEquals(Fixtures.LINEAR_B, TensorValues.read(linear.index(), linear.index().entries().get(1)).toFloats()[0]);
    CliRun r = CliRun.run(new CheckpointCommand(), "list", "--values",
        Fixtures.halfPlusTwoTf1().resolve("variables/variables").toString()).assertOk();
    for (String line : List.of("a     float32  []                   4  = 0.5",
        "b     float32  []                   4  = 2.0", "c2    float32  []                   4  = 3.0")) {
      assertTrue(r.out().contains(line), r.out());
    }
  }

  @org.junit.jupiter.api.io.TempDir Path tmp;

  @Test
  void corruptOrTruncatedDataIsCaughtByTheChecksum() throws Exception {
    Path dir = Fixtures.linearRegression().getParent();
    for (String f : List.of("model.index", "model.data-00000-of-00001")) {
      Files.copy(dir.resolve(f), tmp.resolve(f));
    }
    Path data = tmp.resolve("model.data-00000-of-00001");
    byte[] bytes = Files.readAllBytes(data);
    bytes[5] ^= 0x01;
    Files.write(data, bytes);
    CliRun.run(new CheckpointCommand(), "list", "--values", tmp.resolve("model").toString())
        .assertOneLineError(1, "'b' fails its CRC32C checksum");
    Files.write(data, java.util.Arrays.copyOf(bytes, 6));
    CliRun r = CliRun.run(new CheckpointCommand(), "list", "--values", tmp.resolve("model").toString()).assertOk();
    assertTrue(r.out().contains("truncated (6 of 8 bytes)"), r.out());
  }

  @Test
  void tf2ObjectBasedKeysAndTheObjectGraphString() {
    TensorBundleIndex index = TensorBundleIndex.read(Fixtures.halfPlusTwoTf2().resolve("variables/variables.index"));
    assertEquals(List.of("_CHECKPOINTABLE_OBJECT_GRAPH", "a/.ATTRIBUTES/VARIABLE_VALUE",
        "b/.ATTRIBUTES/VARIABLE_VALUE", "c/.ATTRIBUTES/VARIABLE_VALUE"),
        index.entries().stream().map(TensorBundleIndex.Entry::name).toList());
    assertEquals(DataType.DT_STRING, index.entries().get(0).dtype());
  }

  @Test
  void listCommandShowsMissingDataFileAndEveryTensor() {
    CliRun r = CliRun.run(new CheckpointCommand(), "list", Fixtures.xray().toString()).assertOk();
    assertTrue(r.out().contains("missing (needs 41,160,208 bytes)"), r.out());
    assertTrue(r.out().contains("36 tensors"), r.out());
    assertTrue(r.out().matches("(?s).*dense/kernel\\s+float32\\s+\\[512, 2\\]\\s+4,096.*"), r.out());
    assertTrue(r.out().matches("(?s).*conv2d_7/kernel\\s+float32\\s+\\[3, 3, 512, 512\\]\\s+9,437,184.*"), r.out());
    // The same listing from the .index path and from the folder.
    assertEquals(r.out(), CliRun.run(new CheckpointCommand(), "list", Fixtures.xray() + ".index").out());
    assertEquals(r.out(), CliRun.run(new CheckpointCommand(), "list", Fixtures.xray().getParent().toString())
        .out().replace(Fixtures.xray().getParent().resolve("model.ckpt").toString(), Fixtures.xray().toString()));
  }

  @ParameterizedTest
  @CsvSource({"1, 1, false", "7, 3, true", "16, 16, true", "300, 5, false", "300, 1, true"})
  void readsTablesWithManyBlocksRestartsAndSnappy(int perBlock, int restartInterval, boolean snappy) {
    List<String> names = new ArrayList<>();
    List<BundleEntryProto> entries = new ArrayList<>();
    long offset = 0;
    for (int i = 0; i < 120; i++) {
      names.add(String.format("model/layer_%03d/%s", i / 2, i % 2 == 0 ? "bias" : "kernel"));
      long size = 4L * (i + 1) * 3;
      entries.add(BundleEntryProto.newBuilder().setDtype(DataType.DT_FLOAT)
          .setShape(TensorShapeProto.newBuilder().addDim(TensorShapeProto.Dim.newBuilder().setSize(i + 1))
              .addDim(TensorShapeProto.Dim.newBuilder().setSize(3)))
          .setOffset(offset).setSize(size).setCrc32C(i * 7919).build());
      offset += size;
    }
    BundleHeaderProto header = BundleHeaderProto.newBuilder().setNumShards(1).build();
    byte[] bytes = new BundleIndexWriter(perBlock, restartInterval, snappy).write(header, names, entries);
    TensorBundleIndex index = TensorBundleIndex.parse(bytes, Path.of("synthetic.index"));
    assertEquals(names, index.entries().stream().map(TensorBundleIndex.Entry::name).toList());
    for (int i = 0; i < names.size(); i++) {
      TensorBundleIndex.Entry e = index.entries().get(i);
      assertArrayEquals(new long[] {i + 1, 3}, e.shape());
      assertEquals(entries.get(i).getOffset(), e.offset());
      assertEquals(i * 7919, e.crc32c());
    }
    assertEquals(offset, index.requiredDataBytes(0));
  }

  @Test
  void damagedIndexesAreOneLineErrors() throws Exception {
    byte[] valid = Files.readAllBytes(CheckpointPrefix.resolve(Fixtures.xray()).index());
    List<byte[]> bad = new ArrayList<>();
    bad.addAll(BadInputs.truncations(valid, 40));
    bad.addAll(BadInputs.randomBytes(7, 30, 4096));
    bad.addAll(BadInputs.corruptions(valid, 11, 40));
    int rejected = 0;
    for (byte[] b : bad) {
      try {
        TensorBundleIndex.parse(b, Path.of("bad.index"));
      } catch (UserError e) {
        assertTrue(e.getMessage().startsWith("bad.index: "), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), e.getMessage());
        rejected++;
      }
    }
    // Every truncation and random file is rejected; a corruption may hit padding and still parse.
    assertTrue(rejected >= 70, "rejected " + rejected + " of " + bad.size());
  }

  @Test
  void checksumAndHostileHandlesAreCaught() {
    byte[] valid = new BundleIndexWriter(4, 2, true).write(BundleHeaderProto.newBuilder().setNumShards(1).build(),
        List.of("a", "b"), List.of(BundleEntryProto.getDefaultInstance(), BundleEntryProto.getDefaultInstance()));
    byte[] flipped = valid.clone();
    flipped[3] ^= 0x10;
    UserError crc = assertThrows(UserError.class, () -> TensorBundleIndex.parse(flipped, Path.of("x.index")));
    assertTrue(crc.getMessage().contains("CRC32C"), crc.getMessage());

    // A footer whose index handle claims a terabyte: refused before any allocation.
    byte[] hostile = valid.clone();
    java.io.ByteArrayOutputStream handle = new java.io.ByteArrayOutputStream();
    BundleIndexWriter.varint(handle, 0);
    BundleIndexWriter.varint(handle, 0);
    BundleIndexWriter.varint(handle, 0);
    BundleIndexWriter.varint(handle, 1L << 40);
    byte[] h = handle.toByteArray();
    System.arraycopy(h, 0, hostile, hostile.length - 48, h.length);
    UserError big = assertThrows(UserError.class, () -> TensorBundleIndex.parse(hostile, Path.of("x.index")));
    assertTrue(big.getMessage().contains("points outside the file"), big.getMessage());
  }
}
