package org.introdl.exercises.workspace;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.introdl.core.UserError;

/**
 * Compiles one student file with the JDK's compiler, in this process, against the classpath the labs run with; the
 * classes stay in memory and load in a class loader of their own (a new one per check, so an edited file is seen).
 */
public final class InMemoryCompiler {
  /** The result: the loaded main class, or javac's error report. */
  public record Compilation(Class<?> mainClass, String errors) {
    public boolean succeeded() {
      return mainClass != null;
    }
  }

  private InMemoryCompiler() {}

  /** Compiles {@code file} (display name {@code shownAs}) and loads class {@code className} from it. */
  public static Compilation compile(Path file, String shownAs, String className) {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    if (javac == null) {
      throw new UserError("checking exercises needs a JDK (its compiler), but this Java is a runtime only: "
          + System.getProperty("java.home"));
    }
    String code;
    try {
      code = Files.readString(file);
    } catch (IOException e) {
      throw UserError.inFile(file, "cannot read: " + e.getMessage());
    }
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    Map<String, byte[]> classes = new HashMap<>();
    StandardJavaFileManager standard = javac.getStandardFileManager(diagnostics, Locale.ROOT, null);
    try (MemoryFileManager files = new MemoryFileManager(standard, classes)) {
      JavaFileObject source = new SimpleJavaFileObject(URI.create("string:///" + shownAs), JavaFileObject.Kind.SOURCE) {
        @Override
        public CharSequence getCharContent(boolean ignoreEncodingErrors) {
          return code;
        }
      };
      List<String> options = List.of("-classpath", runtimeClasspath(), "-g", "-proc:none", "-Xlint:none",
          "--release", "17", "-encoding", "UTF-8");
      boolean ok = javac.getTask(null, files, diagnostics, options, null, List.of(source)).call();
      if (!ok) {
        return new Compilation(null, format(diagnostics.getDiagnostics(), shownAs));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ClassLoader loader = new ClassLoader(InMemoryCompiler.class.getClassLoader()) {
      @Override
      protected Class<?> findClass(String name) throws ClassNotFoundException {
        byte[] bytes = classes.get(name);
        if (bytes == null) {
          throw new ClassNotFoundException(name);
        }
        return defineClass(name, bytes, 0, bytes.length);
      }
    };
    try {
      return new Compilation(loader.loadClass(className), "");
    } catch (ClassNotFoundException e) {
      return new Compilation(null, shownAs + ": no class " + className + " in the file (keep the class name of the "
          + "task file)");
    }
  }

  /** As javac prints them: {@code file:line: error: message}, the source line and a caret under the column. */
  static String format(List<Diagnostic<? extends JavaFileObject>> diagnostics, String shownAs) {
    StringBuilder out = new StringBuilder();
    int errors = 0;
    for (Diagnostic<? extends JavaFileObject> d : diagnostics) {
      if (d.getKind() != Diagnostic.Kind.ERROR) {
        continue;
      }
      errors++;
      List<String> message = d.getMessage(Locale.ROOT).lines().toList();
      out.append(shownAs).append(':').append(d.getLineNumber()).append(": error: ")
          .append(message.isEmpty() ? "" : message.get(0)).append('\n');
      String line = sourceLine(d);
      if (line != null) {
        out.append(line).append('\n').append(" ".repeat((int) Math.max(0, d.getColumnNumber() - 1))).append("^\n");
      }
      message.stream().skip(1).forEach(l -> out.append(l).append('\n'));
    }
    out.append(errors).append(errors == 1 ? " error" : " errors");
    return out.toString();
  }

  private static String sourceLine(Diagnostic<? extends JavaFileObject> d) {
    if (d.getSource() == null || d.getLineNumber() < 1) {
      return null;
    }
    try {
      List<String> lines = d.getSource().getCharContent(true).toString().lines().toList();
      return d.getLineNumber() <= lines.size() ? lines.get((int) d.getLineNumber() - 1) : null;
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * The classpath this JVM runs with, plus the jars named in the manifests of its jars (a test runner may start the
   * JVM with one jar whose manifest lists the real classpath).
   */
  static String runtimeClasspath() {
    Set<String> entries = new LinkedHashSet<>();
    for (String entry : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
      if (entry.isBlank()) {
        continue;
      }
      entries.add(entry);
      if (entry.endsWith(".jar")) {
        entries.addAll(manifestClassPath(Path.of(entry)));
      }
    }
    return String.join(File.pathSeparator, entries);
  }

  private static List<String> manifestClassPath(Path jar) {
    List<String> out = new ArrayList<>();
    try (JarFile file = new JarFile(jar.toFile())) {
      Manifest manifest = file.getManifest();
      String classPath = manifest == null ? null : manifest.getMainAttributes().getValue("Class-Path");
      if (classPath != null) {
        for (String url : classPath.trim().split("\\s+")) {
          try {
            out.add(Path.of(jar.toAbsolutePath().getParent().toUri().resolve(url)).toString());
          } catch (IllegalArgumentException e) {
            // Not a file URL: javac could not use it either.
          }
        }
      }
    } catch (IOException e) {
      // An unreadable jar adds nothing.
    }
    return out;
  }

  /** Keeps compiled classes in memory instead of writing .class files. */
  private static final class MemoryFileManager extends ForwardingJavaFileManager<StandardJavaFileManager> {
    private final Map<String, byte[]> classes;

    MemoryFileManager(StandardJavaFileManager delegate, Map<String, byte[]> classes) {
      super(delegate);
      this.classes = classes;
    }

    @Override
    public JavaFileObject getJavaFileForOutput(Location location, String className, JavaFileObject.Kind kind,
        FileObject sibling) {
      return new SimpleJavaFileObject(URI.create("mem:///" + className.replace('.', '/') + ".class"), kind) {
        @Override
        public OutputStream openOutputStream() {
          return new ByteArrayOutputStream() {
            @Override
            public void close() {
              classes.put(className, toByteArray());
            }
          };
        }
      };
    }
  }
}
