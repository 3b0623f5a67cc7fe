package org.introdl.music.model;

import org.tensorflow.types.TFloat32;

/** Copies tensor contents out to Java arrays. */
public final class MusicTensors {
  private MusicTensors() {}

  public static float[] floats(TFloat32 t) {
    float[] out = new float[(int) t.size()];
    t.asRawTensor().data().asFloats().read(out);
    return out;
  }
}
