package org.introdl.music.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.introdl.core.UserError;
import org.introdl.savedmodels.format.SavedModelExport;
import org.introdl.savedmodels.safety.UnsafeOps;
import org.introdl.music.data.Melody;
import org.introdl.music.fast.FastMusicLstm;
import org.introdl.music.model.MusicTensors;
import org.introdl.music.model.NotePredictor;
import org.introdl.music.train.MusicRun;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The trained model as a SavedModel: tag {@code serve}, signature {@code serving_default} taking {@code inputs}
 * (float [N, 64, 78], the lab's one-hot rows) to {@code probabilities} (float [N, 78]). Loading checks the graph for
 * ops that touch files, the network or processes before anything runs.
 */
public final class MusicExport {
  public static final String INPUT_KEY = "inputs";
  public static final String OUTPUT_KEY = "probabilities";
  public static final long MAX_SAVED_MODEL_BYTES = 256L << 20;

  private MusicExport() {}

  /**
   * Exports the newest checkpoint of a training run to {@code target}: the lab's model and signature here, the
   * writing (beside the target, then renamed) by the one SavedModel writer, {@link SavedModelExport}.
   */
  public static Path export(Path checkpoint, Path target) {
    MusicRun run = MusicRun.locate(checkpoint, "music export");
    FastMusicLstm.Config config = run.settings().fastModel().with(FastMusicLstm.Input.ONE_HOT);
    SavedModelExport.requireNewFolder(target);
    try (Graph g = new Graph()) {
      FastMusicLstm model = FastMusicLstm.build(Ops.create(g), config);
      try (Session s = new Session(g)) {
        run.restore(s);
        Signature signature = Signature.builder().key(Signature.DEFAULT_KEY)
            .methodName(SavedModelExport.PREDICT_METHOD)
            .input(INPUT_KEY, model.inputs).output(OUTPUT_KEY, model.prediction).build();
        SavedModelExport.export(s, signature, target);
      }
    }
    return target;
  }

  /** Opens a SavedModel for generation after checking its graph (refused if unsafe unless allowed). */
  public static SavedModelPredictor open(Path dir, boolean allowUnsafeOps) {
    Path pb = dir.resolve("saved_model.pb");
    if (!Files.isRegularFile(pb)) {
      throw new UserError(dir + ": not a SavedModel (no saved_model.pb)");
    }
    try {
      if (Files.size(pb) > MAX_SAVED_MODEL_BYTES) {
        throw UserError.inFile(pb, "too large (" + Files.size(pb) + " bytes)");
      }
    } catch (IOException e) {
      throw UserError.inFile(pb, "cannot read (" + e.getMessage() + ")");
    }
    // Every meta graph and its function library, before anything is loaded or run.
    UnsafeOps.requireSafeSavedModel(dir, allowUnsafeOps);
    SavedModelBundle bundle;
    try {
      bundle = SavedModelBundle.load(dir.toString(), SavedModelBundle.DEFAULT_TAG);
    } catch (RuntimeException e) {
      throw new UserError(dir + ": cannot load the SavedModel (" + String.valueOf(e.getMessage()).lines().findFirst().orElse("") + ")");
    }
    try {
      SessionFunction f = bundle.function(Signature.DEFAULT_KEY);
      var inputs = f.signature().getInputs();
      var outputs = f.signature().getOutputs();
      if (inputs.size() != 1 || outputs.size() != 1) {
        throw new UserError(dir + ": signature serving_default must have one input and one output, it has "
            + inputs.keySet() + " -> " + outputs.keySet());
      }
      var in = inputs.values().iterator().next();
      long[] dims = in.shape.asArray();
      if (in.dataType != org.tensorflow.proto.DataType.DT_FLOAT || dims == null || dims.length != 3
          || dims[2] != Melody.NOTE_COUNT || dims[1] <= 0) {
        throw new UserError(dir + ": serving_default input must be float [N, T, 78], it is "
            + in.dataType + " " + in.shape);
      }
      var result = outputs.values().iterator().next();
      long[] outDims = result.shape.asArray();
      if (result.dataType != org.tensorflow.proto.DataType.DT_FLOAT || outDims == null || outDims.length != 2
          || outDims[1] != Melody.NOTE_COUNT) {
        throw new UserError(dir + ": serving_default output must be float probabilities [N, 78], it is "
            + result.dataType + " " + result.shape);
      }
      return new SavedModelPredictor(bundle, f, inputs.keySet().iterator().next(), outputs.keySet().iterator().next(),
          (int) dims[1]);
    } catch (RuntimeException e) {
      bundle.close();
      if (e instanceof UserError) {
        throw e;
      }
      throw new UserError(dir + ": no usable serving_default signature (" + e.getMessage() + ")");
    }
  }

  /** A SavedModel with the music signature, as a {@link NotePredictor}. */
  public static final class SavedModelPredictor implements NotePredictor {
    private final SavedModelBundle bundle;
    private final SessionFunction function;
    private final String inputKey;
    private final String outputKey;
    private final int timesteps;

    SavedModelPredictor(SavedModelBundle bundle, SessionFunction function, String inputKey, String outputKey,
        int timesteps) {
      this.bundle = bundle;
      this.function = function;
      this.inputKey = inputKey;
      this.outputKey = outputKey;
      this.timesteps = timesteps;
    }

    @Override
    public int timesteps() {
      return timesteps;
    }

    @Override
    public float[] predict(int[] window) {
      return predictOneHot(new Melody(window).oneHot(), 1);
    }

    /** Probabilities for {@code count} windows given as one-hot floats [count, T, 78]. */
    public float[] predictOneHot(float[] oneHot, int count) {
      try (TFloat32 x = TFloat32.tensorOf(Shape.of(count, timesteps, Melody.NOTE_COUNT), DataBuffers.of(oneHot, true, false));
          Result r = function.call(Map.of(inputKey, (Tensor) x))) {
        return MusicTensors.floats((TFloat32) r.get(outputKey).orElseThrow());
      }
    }

    @Override
    public void close() {
      bundle.close();
    }
  }

}
