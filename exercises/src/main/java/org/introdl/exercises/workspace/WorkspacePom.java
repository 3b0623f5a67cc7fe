package org.introdl.exercises.workspace;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import org.introdl.exercises.grading.Lab;

/**
 * The {@code pom.xml} that {@code start} writes beside a lab's task file, so that IntelliJ IDEA, VS Code or
 * {@code mvn compile} open the folder with completion and Javadoc: the file is the only source, and the exercises
 * artifact (the labs, their exercise API and, through them, TensorFlow Java) is its dependency. The {@code ./labs}
 * launcher installs that artifact into the local Maven repository when a lab is started. {@code check} does not use
 * this file: it compiles in process.
 */
public final class WorkspacePom {
  private WorkspacePom() {}

  /** The project's group and version and TensorFlow Java's version, as the build wrote them. */
  public record Versions(String groupId, String version, String tensorflow) {
    public static Versions ofThisBuild() {
      try (InputStream in = WorkspacePom.class.getResourceAsStream("/org/introdl/exercises/build.properties")) {
        Properties p = new Properties();
        if (in != null) {
          p.load(in);
        }
        return new Versions(p.getProperty("groupId", "org.introdl"), p.getProperty("version", "0.1.0-SNAPSHOT"),
            p.getProperty("tensorflow", "1.1.0"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  public static String of(Lab lab, Versions v) {
    return """
        <?xml version="1.0" encoding="UTF-8"?>
        <!-- Written by './labs exercises start': opens %1$s in an IDE (completion, Javadoc) and builds it with
             'mvn compile'. './labs exercises check' does not need it. -->
        <project xmlns="http://maven.apache.org/POM/4.0.0"
                 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                 xsi:schemaLocation="http://maven.apache.org/POM/4.0.0 https://maven.apache.org/xsd/maven-4.0.0.xsd">
          <modelVersion>4.0.0</modelVersion>
          <groupId>introdl.workspace</groupId>
          <artifactId>%2$s</artifactId>
          <version>1</version>
          <name>%3$s</name>

          <properties>
            <maven.compiler.release>17</maven.compiler.release>
            <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
          </properties>

          <dependencies>
            <!-- The labs and the exercise API (LstmCellVariables, AdamOptimizer, MusicModel, XrayModel, ...),
                 installed into the local Maven repository by the ./labs launcher. -->
            <dependency>
              <groupId>%4$s</groupId>
              <artifactId>exercises</artifactId>
              <version>%5$s</version>
            </dependency>
            <!-- TensorFlow Java's ops (Ops, tf.math, tf.nn, ...): Maven Central has its sources and Javadoc. -->
            <dependency>
              <groupId>org.tensorflow</groupId>
              <artifactId>tensorflow-core-api</artifactId>
              <version>%6$s</version>
            </dependency>
          </dependencies>

          <build>
            <!-- The task file sits in this folder, in the default package, as it was started. -->
            <sourceDirectory>${project.basedir}</sourceDirectory>
          </build>
        </project>
        """.formatted(lab.fileName(), lab.id(), lab.title(), v.groupId(), v.version(), v.tensorflow());
  }
}
