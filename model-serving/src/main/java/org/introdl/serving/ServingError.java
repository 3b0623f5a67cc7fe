package org.introdl.serving;

/**
 * A request that cannot be answered, with the canonical error code TensorFlow Serving would give it; the REST layer
 * turns the code into the HTTP status TensorFlow Serving uses for it and the message into {@code {"error": "..."}}.
 */
public final class ServingError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The canonical error codes (as in TensorFlow's {@code error_codes.proto}) and TF Serving's HTTP status for each. */
  public enum Code {
    OK(200), CANCELLED(499), UNKNOWN(500), INVALID_ARGUMENT(400), DEADLINE_EXCEEDED(504), NOT_FOUND(404),
    ALREADY_EXISTS(409), PERMISSION_DENIED(403), RESOURCE_EXHAUSTED(429), FAILED_PRECONDITION(400), ABORTED(409),
    OUT_OF_RANGE(400), UNIMPLEMENTED(501), INTERNAL(500), UNAVAILABLE(503), DATA_LOSS(500), UNAUTHENTICATED(401);

    public final int httpStatus;

    Code(int httpStatus) {
      this.httpStatus = httpStatus;
    }
  }

  private final Code code;

  public ServingError(Code code, String message) {
    super(message);
    this.code = code;
  }

  public Code code() {
    return code;
  }

  public static ServingError invalid(String message) {
    return new ServingError(Code.INVALID_ARGUMENT, message);
  }

  public static ServingError notFound(String message) {
    return new ServingError(Code.NOT_FOUND, message);
  }

  /** The message as TF Serving nests a cause's status: "INVALID_ARGUMENT: message". */
  public String statusText() {
    return code + ": " + getMessage();
  }
}
