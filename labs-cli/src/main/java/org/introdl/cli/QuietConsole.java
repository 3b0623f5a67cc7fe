package org.introdl.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.nio.charset.Charset;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps the console to what this program says. TensorFlow's native code logs straight to file descriptor 2, so the
 * {@code ./labs} launcher sends descriptor 2 to a log file and hands the terminal's stderr over as another
 * descriptor (property {@value #STDERR_FD_PROPERTY}); {@link #adoptStderr()} points {@link System#err} at it. The
 * JDK's own chatter is quietened here too.
 */
final class QuietConsole {
  /** System property: the file descriptor that holds the user's stderr (set by the launcher). */
  static final String STDERR_FD_PROPERTY = "introdl.stderr.fd";

  /** java.util.prefs says "Created user preferences directory." when the MIDI synthesizer first reads its settings. */
  private static final Logger PREFERENCES_LOG = Logger.getLogger("java.util.prefs");

  private QuietConsole() {}

  /** Points {@link System#err} at the descriptor the launcher passed, if any; else leaves it alone. */
  static void adoptStderr() {
    String fd = System.getProperty(STDERR_FD_PROPERTY);
    if (fd == null || fd.isBlank()) {
      return;
    }
    OutputStream terminal = openDescriptor(Integer.parseInt(fd.strip()));
    if (terminal != null) {
      System.setErr(new PrintStream(terminal, true, stderrCharset()));
    }
  }

  /** Hides the JDK's informational log lines (warnings still show). */
  static void hideJdkInfoLog() {
    PREFERENCES_LOG.setLevel(Level.WARNING);
  }

  /**
   * The descriptor itself, shared with the launcher (same file offset, so {@code >log 2>&1} stays in order); where
   * java.io is not opened to us, the same file opened again by its /dev/fd name.
   */
  private static OutputStream openDescriptor(int number) {
    try {
      FileDescriptor descriptor = new FileDescriptor();
      Field field = FileDescriptor.class.getDeclaredField("fd");
      field.setAccessible(true);
      field.setInt(descriptor, number);
      return new FileOutputStream(descriptor);
    } catch (ReflectiveOperationException | RuntimeException notOpened) {
      try {
        return new FileOutputStream("/dev/fd/" + number, true);
      } catch (IOException unavailable) {
        return null;
      }
    }
  }

  private static Charset stderrCharset() {
    String name = System.getProperty("sun.stderr.encoding");
    try {
      return name != null ? Charset.forName(name) : Charset.defaultCharset();
    } catch (RuntimeException unknown) {
      return Charset.defaultCharset();
    }
  }
}
