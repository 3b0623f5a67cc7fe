package org.introdl.savedmodels;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import org.introdl.core.io.AtomicFiles;
import org.introdl.core.io.Npy;

/** How {@code run} hands results back: printed as text or JSON, or written as one {@code .npy} per output. */
public final class Outputs {
  /** Output formats on the console. */
  public enum Format { TEXT, JSON }

  private Outputs() {}

  public static void print(Map<String, Npy.Array> outputs, Format format, PrintWriter out) {
    if (format == Format.JSON) {
      ObjectNode root = JsonNodeFactory.instance.objectNode();
      outputs.forEach((k, v) -> root.set(k, ArrayJson.toJson(v)));
      try {
        out.println(ModelInputs.JSON.writeValueAsString(root));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    } else {
      outputs.forEach((k, v) -> out.print(ArrayText.format(k, v)));
    }
    out.flush();
  }

  /** Writes {@code DIR/key.npy} for each output (keys are made file-name safe), atomically. */
  public static void write(Map<String, Npy.Array> outputs, Path dir, PrintWriter out) {
    AtomicFiles.requireWritableDir(dir);
    outputs.forEach((k, v) -> {
      Path file = dir.resolve(k.replaceAll("[^A-Za-z0-9._-]", "_") + ".npy");
      Npy.write(file, v);
      out.println("wrote " + file + " (" + Dtypes.name(v.dtype()) + " " + TensorSpec.shapeText(v.shape()) + ")");
    });
    out.flush();
  }
}
