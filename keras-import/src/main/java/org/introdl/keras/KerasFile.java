package org.introdl.keras;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jhdf.HdfFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.introdl.core.UserError;

/**
 * A Keras model as saved by Python: its architecture (the config JSON), its weights, and what the file says about
 * where it came from. Four forms are read: a Keras 3 {@code .keras} zip, a legacy full-model HDF5 file
 * ({@code model.save("m.h5")}, also when it is named {@code .keras}, as tf.keras 2 did), and a JSON config with a
 * weights-only HDF5 file ({@code model.to_json()} plus {@code save_weights}).
 */
public record KerasFile(Path path, Format format, String kerasVersion, String backend, JsonNode model,
    KerasWeights weights) {

  /** Where the architecture and weights came from. */
  public enum Format {
    KERAS3_ARCHIVE("Keras 3 archive (.keras: config.json, metadata.json, model.weights.h5)"),
    HDF5_MODEL("legacy HDF5 full model (.h5)"),
    HDF5_MODEL_NAMED_KERAS("legacy HDF5 full model with a .keras name (tf.keras 2)"),
    JSON_AND_WEIGHTS("JSON config with an HDF5 weights file");

    public final String description;

    Format(String description) {
      this.description = description;
    }
  }

  static final ObjectMapper JSON = new ObjectMapper();
  private static final byte[] ZIP_MAGIC = {'P', 'K', 3, 4};
  private static final byte[] HDF5_MAGIC = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};

  /** Keras's major version, 1, 2 or 3 (2 when the file does not say). */
  public int kerasMajor() {
    if (kerasVersion == null || kerasVersion.isEmpty()) {
      return 2;
    }
    try {
      return Integer.parseInt(kerasVersion.split("\\.")[0]);
    } catch (NumberFormatException e) {
      return 2;
    }
  }

  /** A {@code .keras} archive or a full-model {@code .h5} file, told apart by their first bytes. */
  public static KerasFile open(Path file) {
    byte[] head = head(file);
    if (startsWith(head, ZIP_MAGIC)) {
      return openArchive(file);
    }
    if (startsWith(head, HDF5_MAGIC)) {
      return openHdf5Model(file);
    }
    if (head.length > 0 && (head[0] == '{' || head[0] == ' ' || head[0] == '\n')) {
      throw UserError.inFile(file, "a JSON config holds no weights; pass --config " + file
          + " --weights WEIGHTS.h5");
    }
    throw UserError.inFile(file, "not a Keras model: neither a .keras zip archive nor an HDF5 file");
  }

  /** A JSON config ({@code model.to_json()}) and a weights-only HDF5 file ({@code model.save_weights}). */
  public static KerasFile open(Path config, Path weightsFile) {
    JsonNode root = parseJson(readSmall(config), config);
    byte[] head = head(weightsFile);
    if (!startsWith(head, HDF5_MAGIC)) {
      throw UserError.inFile(weightsFile, "not an HDF5 weights file");
    }
    try (HdfFile h5 = new HdfFile(weightsFile)) {
      KerasWeights weights = h5.getChild("layers") != null ? KerasWeights.readKeras3(h5, weightsFile)
          : KerasWeights.readLegacy(h5, weightsFile);
      String version = text(root, "keras_version", KerasWeights.stringAttribute(h5, "keras_version"));
      String backend = text(root, "backend", KerasWeights.stringAttribute(h5, "backend"));
      return new KerasFile(config, Format.JSON_AND_WEIGHTS, version, backend, root, weights);
    } catch (RuntimeException e) {
      throw hdf5Error(weightsFile, e);
    }
  }

  private static KerasFile openArchive(Path file) {
    KerasArchive archive = KerasArchive.read(file);
    JsonNode metadata = parseJson(archive.metadataJson(), file.resolve("metadata.json"));
    JsonNode config = parseJson(archive.configJson(), file.resolve("config.json"));
    try (HdfFile h5 = HdfFile.fromBytes(archive.weightsH5())) {
      KerasWeights weights = KerasWeights.readKeras3(h5, file.resolve("model.weights.h5"));
      return new KerasFile(file, Format.KERAS3_ARCHIVE, text(metadata, "keras_version", null), null, config, weights);
    } catch (RuntimeException e) {
      throw hdf5Error(file, e);
    }
  }

  private static KerasFile openHdf5Model(Path file) {
    try (HdfFile h5 = new HdfFile(file)) {
      String config = KerasWeights.stringAttribute(h5, "model_config");
      if (config == null) {
        throw UserError.inFile(file, KerasWeights.stringList(h5, "layer_names", file) != null
            ? "a weights-only file (no model_config); pass --config MODEL.json --weights " + file
            : "an HDF5 file without 'model_config': not a Keras model");
      }
      Format format = file.getFileName().toString().endsWith(".keras") ? Format.HDF5_MODEL_NAMED_KERAS
          : Format.HDF5_MODEL;
      return new KerasFile(file, format, KerasWeights.stringAttribute(h5, "keras_version"),
          KerasWeights.stringAttribute(h5, "backend"), parseJson(config, file), KerasWeights.readLegacy(h5, file));
    } catch (RuntimeException e) {
      throw hdf5Error(file, e);
    }
  }

  private static RuntimeException hdf5Error(Path file, RuntimeException e) {
    if (e instanceof UserError u) {
      return u;
    }
    return UserError.inFile(file, "cannot read the HDF5 data (" + e.getClass().getSimpleName()
        + (e.getMessage() == null ? "" : ": " + e.getMessage().lines().findFirst().orElse("")) + ")");
  }

  private static JsonNode parseJson(String text, Path where) {
    try {
      JsonNode node = JSON.readTree(text);
      if (node == null || !node.isObject()) {
        throw UserError.inFile(where, "expected a JSON object");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw UserError.inFile(where, "not valid JSON (" + e.getOriginalMessage() + ")");
    }
  }

  private static String text(JsonNode node, String field, String fallback) {
    JsonNode v = node.get(field);
    return v != null && v.isTextual() ? v.asText() : fallback;
  }

  private static String readSmall(Path file) {
    try {
      if (!Files.isRegularFile(file)) {
        throw UserError.inFile(file, "not found");
      }
      if (Files.size(file) > KerasArchive.MAX_JSON_BYTES) {
        throw UserError.inFile(file, "too large for a model config");
      }
      return Files.readString(file);
    } catch (IOException e) {
      throw UserError.inFile(file, "cannot read (" + e.getMessage() + ")");
    }
  }

  private static byte[] head(Path file) {
    if (Files.isDirectory(file)) {
      throw UserError.inFile(file, "a folder, not a Keras file (for a SavedModel use ./labs savedmodel)");
    }
    if (!Files.isRegularFile(file)) {
      throw UserError.inFile(file, "not found");
    }
    try (InputStream in = Files.newInputStream(file)) {
      return in.readNBytes(8);
    } catch (IOException e) {
      throw UserError.inFile(file, "cannot read (" + e.getMessage() + ")");
    }
  }

  private static boolean startsWith(byte[] head, byte[] magic) {
    return head.length >= magic.length && Arrays.equals(Arrays.copyOf(head, magic.length), magic);
  }
}
