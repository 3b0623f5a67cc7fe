package org.introdl.exercises.grading;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;

/**
 * A student's compiled lab class. Graders call its task methods through {@link #call}; whatever the student's code
 * throws comes back as a {@link StudentException} whose message says what was thrown and where, in one line.
 */
public final class StudentCode {
  /** What a task's untouched body throws: {@code new UnsupportedOperationException("TODO ...")}. */
  public static final String TODO_PREFIX = "TODO";

  private final Class<?> type;

  public StudentCode(Class<?> type) {
    this.type = type;
  }

  public String className() {
    return type.getSimpleName();
  }

  /** Calls the static method {@code name} with {@code args}; its own exceptions become one-line explanations. */
  @SuppressWarnings("unchecked")
  public <T> T call(String name, Object... args) {
    Method method = find(name, args.length);
    try {
      return (T) method.invoke(null, args);
    } catch (InvocationTargetException e) {
      throw new StudentException(explain(e.getCause()));
    } catch (IllegalAccessException | IllegalArgumentException e) {
      throw new StudentException(name + " cannot be called as the task expects (" + e.getMessage()
          + "): keep the signature of the task file");
    }
  }

  private Method find(String name, int arity) {
    for (Method m : type.getDeclaredMethods()) {
      if (m.getName().equals(name) && m.getParameterCount() == arity && Modifier.isStatic(m.getModifiers())) {
        m.setAccessible(true);
        return m;
      }
    }
    throw new StudentException(type.getSimpleName() + " has no static method " + name + " with " + arity
        + " parameters: keep the signature of the task file");
  }

  /** One line: what was thrown, its message, and the student's line it came from. */
  public String explain(Throwable thrown) {
    if (thrown instanceof UnsupportedOperationException && thrown.getMessage() != null
        && thrown.getMessage().startsWith(TODO_PREFIX)) {
      String task = thrown.getMessage().substring(TODO_PREFIX.length()).replaceFirst("^[:\\s]+", "");
      return "not done yet: " + (task.isEmpty() ? "the method" : task) + " still throws its TODO";
    }
    if (thrown instanceof StackOverflowError) {
      return "threw StackOverflowError: a method calls itself without end" + where(thrown);
    }
    String message = thrown.getMessage() == null ? "" : ": " + firstLine(thrown.getMessage());
    return "threw " + thrown.getClass().getSimpleName() + message + where(thrown);
  }

  private String where(Throwable thrown) {
    for (StackTraceElement frame : thrown.getStackTrace()) {
      if (frame.getClassName().equals(type.getName()) && frame.getLineNumber() > 0) {
        return " (" + frame.getFileName() + ":" + frame.getLineNumber() + ", in " + frame.getMethodName() + ")";
      }
    }
    return "";
  }

  private static String firstLine(String text) {
    String line = text.strip().lines().findFirst().orElse("");
    return line.length() > 240 ? line.substring(0, 237) + "..." : line;
  }
}
