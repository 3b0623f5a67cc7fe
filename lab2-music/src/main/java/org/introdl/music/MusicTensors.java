package org.introdl.music;

import org.tensorflow.types.TFloat32;

/** Copies tensor contents out to Java arrays. */
final class MusicTensors {
  private MusicTensors() {}

  static float[] floats(TFloat32 t) {
    float[] out = new float[(int) t.size()];
    t.asRawTensor().data().asFloats().read(out);
    return out;
  }
}
