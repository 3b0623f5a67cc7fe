package org.introdl.basics;

import java.io.PrintStream;

/** Lab 1 Part 1 end to end (placeholder until the lab lands). */
public final class BasicsLab {
  private BasicsLab() {}

  public static void runMainJob(PrintStream out) {
    out.println("Lab 1: not built yet");
  }
}
