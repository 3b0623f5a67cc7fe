package org.introdl.music;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.introdl.core.UserError;
import org.introdl.core.io.AtomicFiles;

/**
 * {@code model.json} beside a run's checkpoints: the shape of the model (so that {@code generate} and {@code export}
 * rebuild the same graph) and the graph variant it was trained with.
 */
public record ModelSpec(int hidden, int timesteps, String cell, String input, long seed) {
  public static final String FILE = "model.json";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public static ModelSpec of(MusicLstm.Config c) {
    return new ModelSpec(c.hidden(), c.timesteps(), c.cell().name(), c.input().name(), c.seed());
  }

  public MusicLstm.Config config() {
    return MusicLstm.Config.of(hidden, timesteps, MusicLstm.Cell.valueOf(cell), MusicLstm.Input.valueOf(input), seed);
  }

  public void write(Path dir) {
    AtomicFiles.write(dir.resolve(FILE), out -> out.write(JSON.writeValueAsBytes(this)));
  }

  public static ModelSpec read(Path file) {
    try {
      if (Files.size(file) > 64 * 1024) {
        throw UserError.inFile(file, "too large for a model description");
      }
      ModelSpec spec = JSON.readValue(file.toFile(), ModelSpec.class);
      if (spec.hidden() <= 0 || spec.hidden() > 4096 || spec.timesteps() <= 0 || spec.timesteps() > 4096) {
        throw UserError.inFile(file, "hidden/timesteps out of range");
      }
      spec.config();
      return spec;
    } catch (IOException | IllegalArgumentException | NullPointerException e) {
      throw UserError.inFile(file, "not a valid model description (" + e.getMessage().lines().findFirst().orElse("") + ")");
    }
  }

  /** Finds {@code model.json} for a run folder, its {@code checkpoints} folder, or one checkpoint inside it. */
  public static Path locate(Path checkpoint) {
    Path p = checkpoint.toAbsolutePath().normalize();
    for (int up = 0; up < 3 && p != null; up++, p = p.getParent()) {
      if (Files.isRegularFile(p.resolve(FILE))) {
        return p;
      }
    }
    throw new UserError(checkpoint + ": no " + FILE + " here or in the two folders above (give the folder that"
        + " `./labs music train --out` wrote)");
  }
}
