package org.introdl.exercises.workspace;

import java.util.Optional;

/**
 * Finds and replaces a task method's body in a lab's Java source: how {@code start} blanks the reference solution
 * into a task file and how {@code solve} puts it back. The scan skips comments, strings and character literals, so
 * a brace or a method name inside them does not count.
 */
public final class SourceEditor {
  /** The line {@code solve} writes at the top of a body it filled in. */
  public static final String SOLVED_MARK =
      "// Reference solution, filled in by './labs exercises solve' (not your own work).";
  private static final String TODO_THROW = "throw new UnsupportedOperationException(\"TODO";

  /** A method body: the offsets of its opening and closing braces. */
  public record Body(int open, int close) {}

  /** What a task method holds now. */
  public enum State { TODO, EDITED, REFERENCE, MISSING }

  private SourceEditor() {}

  /** The body of the first method named {@code method} declared at class level, if any. */
  public static Optional<Body> body(String source, String method) {
    int depth = 0;
    int i = 0;
    while (i < source.length()) {
      int skipped = skipNonCode(source, i);
      if (skipped != i) {
        i = skipped;
        continue;
      }
      char ch = source.charAt(i);
      if (ch == '{') {
        depth++;
      } else if (ch == '}') {
        depth--;
      } else if (depth == 1 && Character.isJavaIdentifierStart(ch) && (i == 0
          || !Character.isJavaIdentifierPart(source.charAt(i - 1)))) {
        int end = i;
        while (end < source.length() && Character.isJavaIdentifierPart(source.charAt(end))) {
          end++;
        }
        if (source.substring(i, end).equals(method)) {
          int next = skipSpace(source, end);
          if (next < source.length() && source.charAt(next) == '(') {
            int close = matching(source, next, '(', ')');
            int brace = close < 0 ? -1 : source.indexOf('{', close);
            int semicolon = close < 0 ? -1 : source.indexOf(';', close);
            if (brace >= 0 && (semicolon < 0 || brace < semicolon)) {
              int bodyClose = matching(source, brace, '{', '}');
              if (bodyClose > 0) {
                return Optional.of(new Body(brace, bodyClose));
              }
            }
          }
        }
        i = end;
        continue;
      }
      i++;
    }
    return Optional.empty();
  }

  /** {@code source} with the body of {@code method} replaced by {@code statements} (indented one level, 4 spaces). */
  public static String replaceBody(String source, String method, String statements) {
    Body body = body(source, method).orElseThrow(() -> new IllegalArgumentException("no method " + method));
    StringBuilder out = new StringBuilder(source.substring(0, body.open() + 1)).append('\n');
    statements.strip().lines().forEach(line -> out.append(line.isBlank() ? "" : "    " + line).append('\n'));
    return out.append("  ").append(source.substring(body.close())).toString();
  }

  /** The statements of {@code method}'s body, de-indented. */
  public static String statements(String source, String method) {
    Body body = body(source, method).orElseThrow(() -> new IllegalArgumentException("no method " + method));
    java.util.List<String> lines = source.substring(body.open() + 1, body.close()).lines().toList();
    int indent = lines.stream().filter(l -> !l.isBlank()).mapToInt(l -> l.length() - l.stripLeading().length()).min()
        .orElse(0);
    StringBuilder out = new StringBuilder();
    lines.forEach(l -> out.append(l.isBlank() ? "" : l.substring(indent)).append('\n'));
    return out.toString().strip();
  }

  /** The untouched body of a task: a TODO line and the throw every grader recognises as "not done yet". */
  public static String todoBody(String method, String summary) {
    return "// TODO: " + summary + "\n" + TODO_THROW + ": " + method + "\");";
  }

  public static State state(String source, String method) {
    Optional<Body> body = body(source, method);
    if (body.isEmpty()) {
      return State.MISSING;
    }
    String text = source.substring(body.get().open(), body.get().close());
    if (text.contains(SOLVED_MARK)) {
      return State.REFERENCE;
    }
    return text.contains(TODO_THROW) ? State.TODO : State.EDITED;
  }

  private static int skipSpace(String s, int i) {
    while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
      i++;
    }
    return i;
  }

  /** The offset of the bracket that closes the one at {@code open}, or -1. */
  private static int matching(String s, int open, char opening, char closing) {
    int depth = 0;
    int i = open;
    while (i < s.length()) {
      int skipped = skipNonCode(s, i);
      if (skipped != i) {
        i = skipped;
        continue;
      }
      char ch = s.charAt(i);
      if (ch == opening) {
        depth++;
      } else if (ch == closing && --depth == 0) {
        return i;
      }
      i++;
    }
    return -1;
  }

  /** Past a comment, string, text block or char literal starting at {@code i}; {@code i} itself when none starts. */
  private static int skipNonCode(String s, int i) {
    if (s.startsWith("//", i)) {
      int end = s.indexOf('\n', i);
      return end < 0 ? s.length() : end + 1;
    }
    if (s.startsWith("/*", i)) {
      int end = s.indexOf("*/", i + 2);
      return end < 0 ? s.length() : end + 2;
    }
    if (s.startsWith("\"\"\"", i)) {
      int end = s.indexOf("\"\"\"", i + 3);
      return end < 0 ? s.length() : end + 3;
    }
    char ch = s.charAt(i);
    if (ch == '"' || ch == '\'') {
      int j = i + 1;
      while (j < s.length() && s.charAt(j) != ch && s.charAt(j) != '\n') {
        j += s.charAt(j) == '\\' ? 2 : 1;
      }
      return Math.min(j + 1, s.length());
    }
    return i;
  }
}
