package org.introdl.xray.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;
import org.introdl.core.io.AtomicFiles;

/**
 * {@code xray-run.json} beside a training run's checkpoints: the image size it trained at, so that {@code eval} and
 * {@code cam} feed images of the same size by default (the weights themselves fit any multiple of 16).
 */
public final class RunInfo {
  public static final String FILE = "xray-run.json";
  private static final ObjectMapper JSON = new ObjectMapper();

  private RunInfo() {}

  static void write(Path runDir, int imageSize, String data) {
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("imageSize", imageSize);
    info.put("data", data);
    try {
      AtomicFiles.writeString(runDir.resolve(FILE), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(info) + "\n");
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The image size recorded in the run folder that holds {@code checkpointPrefix}, if any. */
  public static OptionalInt imageSizeNear(Path checkpointPrefix) {
    for (Path dir = checkpointPrefix.toAbsolutePath().getParent(); dir != null; dir = dir.getParent()) {
      Path file = dir.resolve(FILE);
      if (Files.isRegularFile(file)) {
        try {
          JsonNode node = JSON.readTree(file.toFile());
          int size = node.path("imageSize").asInt(-1);
          // Only sizes the model can be built at (multiples of 16, up to 1024): a damaged file is ignored.
          return size >= 16 && size <= 1024 && size % 16 == 0 ? OptionalInt.of(size) : OptionalInt.empty();
        } catch (IOException e) {
          return OptionalInt.empty();
        }
      }
      if (dir.getNameCount() < checkpointPrefix.toAbsolutePath().getNameCount() - 3) {
        break;
      }
    }
    return OptionalInt.empty();
  }
}
