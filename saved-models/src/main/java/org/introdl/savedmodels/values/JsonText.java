package org.introdl.savedmodels.values;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.introdl.core.UserError;

/**
 * JSON typed by a person on a command line or in a file, parsed with errors in plain words: where (character, or
 * line and column) and what is wrong, without the parser's internals.
 */
public final class JsonText {
  private static final Pattern CHARACTER = Pattern.compile("\\('(.*?)' \\(code \\d+\\)\\)");
  private static final String ANY_VALUE = "(JSON String, Number, Array, Object or token 'null', 'true' or 'false')";

  /** Parser wording -> plain wording, tried in order on the start of the message. */
  private static final List<String[]> PLAIN = List.of(
      new String[] {"Unexpected end-of-input: expected close marker for Array", "a list is not closed with ']'"},
      new String[] {"Unexpected end-of-input: expected close marker for Object", "an object is not closed with '}'"},
      new String[] {"Unexpected end-of-input: was expecting closing quote", "a string is not closed with '\"'"},
      new String[] {"Unexpected end-of-input", "the text ends too early"},
      new String[] {"Non-standard token", "write NaN and infinities as the strings \"NaN\", \"Infinity\", "
          + "\"-Infinity\""},
      new String[] {"Invalid numeric value: Leading zeroes", "a number starts with a zero"});

  private JsonText() {}

  /** Parses {@code text}; a mistake is a UserError "{where}: not valid JSON at ...: ...". */
  public static JsonNode parse(ObjectMapper mapper, String text, String where) {
    try {
      return mapper.readTree(text);
    } catch (JsonProcessingException e) {
      throw new UserError(where + ": not valid JSON " + position(e.getLocation(), text) + ": "
          + plain(e.getOriginalMessage()));
    }
  }

  public static String plain(String message) {
    String m = message == null ? "" : message.strip();
    for (String[] p : PLAIN) {
      if (m.startsWith(p[0])) {
        return p[1];
      }
    }
    // Where the parser's own position notes begin ("(start marker at [Source: ...])"), the plain part ends.
    for (String note : List.of(" (start marker", " (for Array", " (for Object", " at [Source", "\n")) {
      int at = m.indexOf(note);
      if (at >= 0) {
        m = m.substring(0, at);
      }
    }
    m = m.replace("Unexpected close marker", "unexpected");
    Matcher unexpected = Pattern.compile("^Unrecognized token '(.*?)'.*").matcher(m);
    if (unexpected.matches()) {
      return "'" + unexpected.group(1) + "' is not a JSON value (text needs double quotes)";
    }
    m = CHARACTER.matcher(m).replaceAll(r -> "'" + Matcher.quoteReplacement(r.group(1)) + "'");
    m = m.replace("expected a valid value " + ANY_VALUE, "expected a number, a string in double quotes, a list, "
        + "true, false or null").replace("was expecting " + ANY_VALUE, "expected a number, a string in double quotes,"
        + " a list, true, false or null");
    m = m.replaceAll("\\(\\(CTRL-CHAR, code (\\d+)\\)\\)", "(control character $1)")
        .replaceAll("\\s*\\(code -?\\d+\\)", "").replaceAll(":?\\s*\\(?(or )?enable `[^`]*`( to allow)?\\)?", "");
    m = m.replace("Unexpected character", "unexpected").replace("was expecting", "expected");
    return m.replaceAll("\\s+", " ");
  }

  private static String position(JsonLocation at, String text) {
    if (at == null || at.getCharOffset() < 0) {
      return "";
    }
    if (text.indexOf('\n') >= 0) {
      return "at line " + at.getLineNr() + ", column " + at.getColumnNr();
    }
    long offset = at.getCharOffset();
    return offset >= text.length() ? "at the end (after character " + text.length() + ")"
        : "at character " + (offset + 1) + " (" + shown(text.charAt((int) offset)) + ")";
  }

  private static String shown(char c) {
    return Character.isISOControl(c) ? String.format("U+%04X", (int) c) : "'" + c + "'";
  }
}
