import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.introdl.exercises.api.AdamOptimizer;
import org.introdl.exercises.api.LstmCellVariables;
import org.introdl.exercises.api.MusicModel;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Unstack;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Lab 1 Part 2: music generation with an RNN (MIT 6.S191, 2018), in TensorFlow Java.
 *
 * <p>Each task is one method. Replace its {@code throw new UnsupportedOperationException("TODO ...")} with your code,
 * then run {@code ./labs exercises check} from the repository. When {@code rnn} and {@code sampleNextNote} pass,
 * {@code ./labs music train --exercises DIR} trains your network and {@code ./labs music generate --exercises DIR}
 * writes the song it makes.
 */
public final class Lab2Music {
  /** The notebook's network parameters: 78 possible notes in and out, 128 hidden units, 64 rows per snippet. */
  static final int INPUT_SIZE = 78;
  static final int OUTPUT_SIZE = INPUT_SIZE;
  static final int HIDDEN_SIZE = 128;
  static final int TIMESTEPS = 64;

  private Lab2Music() {}

  /**
   * 2.2.3 RNN computation graph. "We can define a function RNN(input_vec, weights, biases), which will take in the
   * corresponding placeholders and variables, and return a graph." First unstack the timesteps (axis 1, TIMESTEPS of
   * them) into [batch, INPUT_SIZE] rows; then run one BasicLSTMCell of HIDDEN_SIZE units over them; "next, compute
   * the hidden layer's transformation of the final output of the LSTM ... just a linear operation: xW + b".
   *
   * <p>{@code inputVec} is {@code [batch, TIMESTEPS, INPUT_SIZE]}, {@code weights} {@code [HIDDEN_SIZE, OUTPUT_SIZE]},
   * {@code biases} {@code [OUTPUT_SIZE]}. Create the cell's variables with {@code new LstmCellVariables(tf, HIDDEN_SIZE,
   * INPUT_SIZE)} (its Javadoc has the cell's equations) and return the logits {@code [batch, OUTPUT_SIZE]}
   * (the notebook's {@code recurrent_net}; the softmax comes after).
   */
  public static Operand<TFloat32> rnn(Ops tf, Operand<TFloat32> inputVec, Operand<TFloat32> weights,
      Operand<TFloat32> biases) {
    List<Output<TFloat32>> steps = tf.unstack(inputVec, (long) TIMESTEPS, Unstack.axis(1L)).output();
    LstmCellVariables cell = new LstmCellVariables(tf, HIDDEN_SIZE, INPUT_SIZE);
    Operand<TFloat32> c = cell.zeroState(tf, steps.get(0));
    Operand<TFloat32> h = c;
    List<Operand<TFloat32>> outputs = new ArrayList<>();
    for (Output<TFloat32> x : steps) {
      Operand<TFloat32> gates = tf.math.add(tf.linalg.matMul(tf.concat(List.of(x, h), tf.constant(1)), cell.kernel()),
          cell.bias());
      List<Output<TFloat32>> ijfo = tf.split(tf.constant(1), gates, 4L).output();
      Operand<TFloat32> forget = tf.math.sigmoid(tf.math.add(ijfo.get(2), tf.constant(LstmCellVariables.FORGET_BIAS)));
      c = tf.math.add(tf.math.mul(c, forget), tf.math.mul(tf.math.sigmoid(ijfo.get(0)), tf.math.tanh(ijfo.get(1))));
      h = tf.math.mul(tf.math.tanh(c), tf.math.sigmoid(ijfo.get(3)));
      outputs.add(h);
    }
    Operand<TFloat32> last = outputs.get(outputs.size() - 1);
    return tf.math.add(tf.linalg.matMul(last, weights), biases);
  }

  /**
   * Loss. "Use TensorFlow to define the loss operation as the mean softmax cross entropy loss. TensorFlow has
   * built-in functions for you to use." {@code logits} are rnn's output, {@code outputVec} the one-hot true next notes
   * ({@code [batch, OUTPUT_SIZE]}); return a scalar.
   */
  public static Operand<TFloat32> lossOp(Ops tf, Operand<TFloat32> logits, Operand<TFloat32> outputVec) {
    return tf.math.mean(tf.nn.softmaxCrossEntropyWithLogits(logits, outputVec).loss(), tf.constant(0));
  }

  /**
   * Training operation. "Define an optimizer for the training operation. Remember we have already set the
   * learning_rate parameter." The notebook used Adam: {@code optimizer.minimize(loss_op)} over the model's variables.
   */
  public static Op trainOp(Ops tf, Operand<TFloat32> lossOp, List<Output<TFloat32>> variables, float learningRate) {
    return new AdamOptimizer(learningRate).minimize(tf, lossOp, variables);
  }

  /**
   * Accuracy. "First, we need to determine the predicted next note and the true next note, across the training batch,
   * and then determine whether our prediction was correct ... We cast the values in correct_pred to floats, and use
   * reduce_mean to figure out the fraction of these values that are 1's." Return a scalar in [0, 1].
   */
  public static Operand<TFloat32> accuracy(Ops tf, Operand<TFloat32> prediction, Operand<TFloat32> outputVec) {
    Operand<TInt64> predNote = tf.math.argMax(prediction, tf.constant(1));
    Operand<TInt64> trueNote = tf.math.argMax(outputVec, tf.constant(1));
    Operand<TFloat32> correct = tf.dtypes.cast(tf.math.equal(predNote, trueNote), TFloat32.class);
    return tf.math.mean(correct, tf.constant(0));
  }

  /**
   * Sampling. "Sample from the predicted distribution to determine which note gets played next. You can use a function
   * from the numpy.random library to do this" (the notebook: {@code np.random.choice(range(output_size),
   * p=predict_probs[0])}). Return note index k with probability {@code probabilities[k]}, drawing only from
   * {@code random}.
   */
  public static int sampleNextNote(float[] probabilities, Random random) {
    double u = random.nextDouble();
    double cumulative = 0;
    for (int k = 0; k < probabilities.length; k++) {
      cumulative += probabilities[k];
      if (u < cumulative) {
        return k;
      }
    }
    return probabilities.length - 1; // u fell in the rounding gap above the last cumulative sum
  }

  /**
   * Generation. "Use the RNN for prediction using our seed ... sample from the predicted probability distribution"
   * and append the played note; each step feeds the last TIMESTEPS rows of the song so far ({@code
   * gen_song[-timesteps:]}). Start from {@code seed} (TIMESTEPS one-hot rows) and return only the {@code steps} new
   * rows, each one-hot, in order.
   */
  public static float[][] generateSong(MusicModel model, float[][] seed, int steps, Random random) {
    List<float[]> song = new ArrayList<>(List.of(seed));
    float[][] generated = new float[steps][];
    for (int i = 0; i < steps; i++) {
      float[][] window = song.subList(song.size() - model.timesteps(), song.size()).toArray(new float[0][]);
      float[] predictProbs = model.prediction(window);
      float[] playedNotes = new float[model.noteCount()];
      playedNotes[sampleNextNote(predictProbs, random)] = 1f;
      song.add(playedNotes);
      generated[i] = playedNotes;
    }
    return generated;
  }
}
