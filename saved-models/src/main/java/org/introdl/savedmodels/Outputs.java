package org.introdl.savedmodels;

import org.introdl.savedmodels.values.ArrayJson;
import org.introdl.savedmodels.values.ArrayText;
import org.introdl.savedmodels.values.Dtypes;
import org.introdl.savedmodels.values.StringNpy;
import org.introdl.savedmodels.values.TensorSpec;
import org.introdl.savedmodels.values.TensorValue;
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
    printValues(TensorValue.numbers(outputs), format, out);
  }

  /** Like {@link #print}, for outputs of any dtype (strings as text, or {@code b64:} when not UTF-8). */
  public static void printValues(Map<String, TensorValue> outputs, Format format, PrintWriter out) {
    if (format == Format.JSON) {
      out.println(jsonValues(outputs));
    } else {
      outputs.forEach((k, v) -> out.print(text(k, v)));
    }
    out.flush();
  }

  /** One output as text: "key: dtype [shape]" and the values on the next line. */
  public static String text(String key, TensorValue value) {
    if (value instanceof TensorValue.Numbers n) {
      String text = ArrayText.format(key, n.array());
      // float16 and the like print through the wider dtype that carries them; the header says which they are.
      return !n.widened() ? text : text.replaceFirst(": " + Dtypes.name(n.array().dtype()) + " ",
          ": " + Dtypes.name(n.dtype()) + " (as " + Dtypes.name(n.array().dtype()) + ") ");
    }
    return key + ": string " + TensorSpec.shapeText(value.shape()) + "\n" + ArrayJson.toJson(value).get("data")
        + "\n";
  }

  /** The outputs as one JSON object, each as {@code {"dtype", "shape", "data"}}. */
  public static String jsonValues(Map<String, TensorValue> outputs) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    outputs.forEach((k, v) -> root.set(k, ArrayJson.toJson(v)));
    try {
      return ModelInputs.JSON.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("an array tree always serialises", e);
    }
  }

  /** Like {@link #write}, for outputs of any dtype: strings go to {@code KEY.npy} as NumPy bytes ({@code |S}). */
  public static void writeValues(Map<String, TensorValue> outputs, Path dir, Format format, PrintWriter out) {
    AtomicFiles.requireWritableDir(dir);
    if (format == Format.JSON) {
      Path file = dir.resolve("outputs.json");
      AtomicFiles.writeString(file, jsonValues(outputs) + "\n");
      out.println("wrote " + file);
      out.flush();
      return;
    }
    outputs.forEach((k, v) -> {
      Path file = dir.resolve(k.replaceAll("[^A-Za-z0-9._-]", "_") + ".npy");
      if (v instanceof TensorValue.Numbers n) {
        Npy.write(file, n.array());
        out.println("wrote " + file + " (" + Dtypes.name(n.array().dtype()) + " " + TensorSpec.shapeText(v.shape())
            + ")");
      } else {
        StringNpy.write(file, (TensorValue.Strings) v);
        out.println("wrote " + file + " (string " + TensorSpec.shapeText(v.shape()) + ")");
      }
    });
    out.flush();
  }

  /** The outputs as one JSON object, each array as {@code {"dtype", "shape", "data"}} (the reference-file form). */
  public static String json(Map<String, Npy.Array> outputs) {
    return jsonValues(TensorValue.numbers(outputs));
  }

  /**
   * Writes the outputs into {@code dir}, atomically: {@code KEY.npy} for each (keys made file-name safe), or one
   * {@code outputs.json} when the format is JSON.
   */
  public static void write(Map<String, Npy.Array> outputs, Path dir, Format format, PrintWriter out) {
    writeValues(TensorValue.numbers(outputs), dir, format, out);
  }
}
