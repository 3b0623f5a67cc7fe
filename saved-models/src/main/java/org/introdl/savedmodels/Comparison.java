package org.introdl.savedmodels;

import org.introdl.savedmodels.format.SavedModelDir;
import org.introdl.savedmodels.values.ArrayJson;
import org.introdl.savedmodels.values.TensorSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.introdl.core.UserError;
import org.introdl.core.io.Npy;
import org.introdl.core.safety.RunLimits;
import org.introdl.savedmodels.repair.SignatureRepair;
import org.tensorflow.proto.MetaGraphDef;

/**
 * {@code savedmodel compare}: runs the reference inputs through the model and checks every output the reference
 * holds with NumPy's {@code allclose} rule, {@code |actual - expected| <= atol + rtol * |expected|}.
 */
public final class Comparison {
  /** NumPy's {@code allclose} defaults. */
  public static final double DEFAULT_RTOL = 1e-5;
  public static final double DEFAULT_ATOL = 1e-8;

  private Comparison() {}

  /** One output: errors, the worst element, and whether it passes. {@code problem} is set for shape mismatches. */
  public record OutputCheck(String key, long[] shape, double maxAbsError, double maxRelError, long worstIndex,
      double worstActual, double worstExpected, long failing, boolean pass, String problem) {}

  /** The checks, and one line per repair made before the model was loaded (see {@link SignatureRunner}). */
  public record Outcome(Path dir, String signature, double rtol, double atol, List<OutputCheck> checks,
      List<String> unchecked, List<String> notes) {
    public boolean pass() {
      return checks.stream().allMatch(OutputCheck::pass);
    }
  }

  /** With the default memory budget and timeout. */
  public static Outcome compare(Path dir, Path referenceFile, Double rtolOption, Double atolOption,
      boolean allowUnsafeOps) {
    return compare(dir, referenceFile, rtolOption, atolOption, RunLimits.of(allowUnsafeOps));
  }

  public static Outcome compare(Path dir, Path referenceFile, Double rtolOption, Double atolOption,
      RunLimits limits) {
    Reference ref = Reference.read(referenceFile);
    SavedModelDir model = SavedModelDir.open(dir);
    MetaGraphDef mg = model.metaGraph(ref.tag().orElse(SavedModelDir.DEFAULT_TAG));
    SavedModelDir.Signature declared = model.signature(mg, ref.signature().orElse(SavedModelDir.DEFAULT_SIGNATURE));
    SavedModelDir.Signature sig = SignatureRepair.followPlaceholders(mg, declared);
    java.util.Set<String> followed = SignatureRepair.contradicted(declared, sig);
    String what = referenceFile.toString();
    Map<String, Npy.Array> inputs = new LinkedHashMap<>();
    ref.inputs().forEach((k, node) -> {
      TensorSpec spec = sig.inputs().get(k);
      if (spec != null) {
        Npy.Array given = ArrayJson.parse(node, spec.npyType().orElse(Npy.DType.FLOAT32), what + " input " + k);
        inputs.put(k, followed.contains(k) ? spec.fittedByCount(given) : given);
      }
    });
    ModelInputs.check(inputs, ref.inputs().keySet(), sig.inputs(), what);
    Map<String, Npy.Array> expected = new LinkedHashMap<>();
    for (Map.Entry<String, com.fasterxml.jackson.databind.JsonNode> e : ref.outputs().entrySet()) {
      TensorSpec spec = sig.outputs().get(e.getKey());
      if (spec == null) {
        throw UserError.inFile(referenceFile, "output '" + e.getKey() + "' is not in signature '" + sig.key()
            + "' (its outputs: " + String.join(", ", sig.outputs().keySet()) + ")");
      }
      expected.put(e.getKey(), ArrayJson.parse(e.getValue(), spec.npyType().orElse(Npy.DType.FLOAT64),
          what + " output " + e.getKey()));
    }
    double rtol = rtolOption != null ? rtolOption : ref.rtol().orElse(DEFAULT_RTOL);
    double atol = atolOption != null ? atolOption : ref.atol().orElse(DEFAULT_ATOL);
    SignatureRunner.Outcome run = SignatureRunner.runChecked(model, mg, sig, inputs, limits);
    Map<String, Npy.Array> actual = run.outputs();
    List<OutputCheck> checks = new ArrayList<>();
    expected.forEach((k, exp) -> checks.add(check(k, actual.get(k), exp, rtol, atol)));
    List<String> unchecked = new ArrayList<>(new TreeSet<>(sig.outputs().keySet()));
    unchecked.removeAll(expected.keySet());
    return new Outcome(dir, sig.key(), rtol, atol, checks, unchecked, run.notes());
  }

  /** Compares one output with NumPy's allclose rule (NaN never equals anything, as in NumPy's default). */
  public static OutputCheck check(String key, Npy.Array actual, Npy.Array expected, double rtol, double atol) {
    if (!Arrays.equals(actual.shape(), expected.shape())) {
      return new OutputCheck(key, actual.shape(), Double.NaN, Double.NaN, -1, Double.NaN, Double.NaN,
          actual.size(), false,
          "shape " + TensorSpec.shapeText(actual.shape()) + " but the reference has "
              + TensorSpec.shapeText(expected.shape()));
    }
    double[] a = actual.toDoubles();
    double[] e = expected.toDoubles();
    double maxAbs = 0;
    double maxRel = 0;
    long worst = a.length == 0 ? -1 : 0;
    long failing = 0;
    for (int i = 0; i < a.length; i++) {
      double diff = Math.abs(a[i] - e[i]);
      boolean ok = a[i] == e[i] || diff <= atol + rtol * Math.abs(e[i]);
      if (!ok) {
        failing++;
      }
      if (Double.isNaN(diff) || diff > maxAbs) {
        maxAbs = Double.isNaN(diff) ? Double.POSITIVE_INFINITY : diff;
        worst = i;
      }
      if (e[i] != 0) {
        maxRel = Math.max(maxRel, Double.isNaN(diff) ? Double.POSITIVE_INFINITY : diff / Math.abs(e[i]));
      }
    }
    return new OutputCheck(key, actual.shape(), maxAbs, maxRel, worst, worst < 0 ? Double.NaN : a[(int) worst],
        worst < 0 ? Double.NaN : e[(int) worst], failing, failing == 0, null);
  }

  public static String format(Outcome o) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(java.util.Locale.ROOT, "%s signature '%s' (rtol %.3g, atol %.3g)%n", o.dir(),
        o.signature(), o.rtol(), o.atol()));
    for (OutputCheck c : o.checks()) {
      if (c.problem() != null) {
        sb.append(String.format(java.util.Locale.ROOT, "  %-16s FAIL  %s%n", c.key(), c.problem()));
      } else {
        sb.append(String.format(java.util.Locale.ROOT,
            "  %-16s %s  shape %s  max abs err %.3e  max rel err %.3e%s%n", c.key(), c.pass() ? "PASS" : "FAIL",
            TensorSpec.shapeText(c.shape()), c.maxAbsError(), c.maxRelError(),
            c.pass() ? "" : String.format(java.util.Locale.ROOT,
                "  (%d values out of tolerance; worst at flat index %d: got %s, expected %s)", c.failing(),
                c.worstIndex(), (float) c.worstActual(), (float) c.worstExpected())));
      }
    }
    for (String k : o.unchecked()) {
      sb.append(String.format(java.util.Locale.ROOT, "  %-16s not in the reference (not checked)%n", k));
    }
    sb.append(o.pass() ? "PASS" : "FAIL").append('\n');
    return sb.toString();
  }
}
