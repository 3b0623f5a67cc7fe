package org.introdl.notebooks;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Shows a picture a cell wrote: inline under the cell in Jupyter with a Java kernel, else (JShell, {@code --run}) as
 * its path. Every way prints the caption and the path, so a cell's printed output is the same everywhere.
 *
 * <p>IJava and JJava put a {@code display(Object)} function in the kernel (a static method of their runtime's
 * {@code Display} class) that renders a {@link java.awt.image.RenderedImage} as PNG under the cell. It is found by
 * reflection, so the labs need neither kernel to compile or run; outside a kernel the class is absent, or present but
 * refusing ("No ... kernel running"), and the path is all that shows.
 */
public final class Show {
  /** The kernels' display functions, tried in order: JJava's, then IJava's. */
  static final List<String> KERNEL_DISPLAYS =
      List.of("org.dflib.jjava.runtime.Display", "io.github.spencerpark.ijava.runtime.Display");

  private Show() {}

  /** Prints "caption: path" and, in a Java Jupyter kernel, shows the picture under the cell; null: no picture. */
  public static void picture(String caption, Path png) {
    picture(caption, png, KERNEL_DISPLAYS);
  }

  /** As {@link #picture(String, Path)}, trying {@code displays}; returns whether one showed the picture. */
  static boolean picture(String caption, Path png, List<String> displays) {
    System.out.println(caption + ": " + (png == null ? "none (the step wrote no picture)" : png));
    if (png == null) {
      return false;
    }
    Optional<Method> display = displays.stream().map(Show::displayMethod).flatMap(Optional::stream).findFirst();
    if (display.isEmpty()) {
      return false;
    }
    BufferedImage image;
    try {
      image = ImageIO.read(png.toFile());
    } catch (IOException e) {
      System.out.println("(cannot show " + png.getFileName() + ": " + e.getMessage() + ")");
      return false;
    }
    if (image == null) {
      System.out.println("(cannot show " + png.getFileName() + ": not a picture Java reads)");
      return false;
    }
    try {
      display.get().invoke(null, image);
      return true;
    } catch (InvocationTargetException e) {
      return false; // the kernel's runtime is on the class path but no kernel runs (a JShell): the path is shown
    } catch (IllegalAccessException e) {
      return false;
    }
  }

  /** {@code static display(Object)} of the named class, where the class is on this class path. */
  private static Optional<Method> displayMethod(String className) {
    List<ClassLoader> loaders = Stream.of(Thread.currentThread().getContextClassLoader(), Show.class.getClassLoader())
        .filter(Objects::nonNull).toList();
    for (ClassLoader loader : loaders) {
      try {
        return Optional.of(Class.forName(className, true, loader).getMethod("display", Object.class));
      } catch (ClassNotFoundException | NoSuchMethodException | LinkageError e) {
        // not this kernel, or not through this loader: try the next
      }
    }
    return Optional.empty();
  }
}
