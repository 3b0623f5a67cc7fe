package org.introdl.serving;

import java.nio.file.Path;

/** Loads one version folder of a model: scanned first, refused when unsafe unless the model's config allows it. */
public interface ModelLoader {
  /**
   * The loaded version, or a {@link LoadFailure} saying why not (the status API shows its code and message).
   */
  ServableModel load(Path versionDir, ModelConfig config);

  /** A version that cannot be served: the canonical error code for the status API, and one line why. */
  final class LoadFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final ServingError.Code code;

    public LoadFailure(ServingError.Code code, String message) {
      super(message);
      this.code = code;
    }

    public ServingError.Code code() {
      return code;
    }
  }
}
