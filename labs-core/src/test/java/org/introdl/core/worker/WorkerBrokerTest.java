package org.introdl.core.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The worker's command line: the user's request, with every path the worker needs made absolute, outputs staged. */
class WorkerBrokerTest {
  @TempDir Path temp;

  @Command(name = "tool", subcommands = Run.class)
  static final class Tool {
    @Option(names = "--debug") boolean debug;
  }

  @Command(name = "run")
  static final class Run {
    @Parameters Path model;
    @Option(names = "--input") List<String> inputs = new ArrayList<>();
    @Option(names = "--call") List<String> calls = new ArrayList<>();
    @Option(names = "--format") String format;
    @Option(names = "--all") boolean all;
    @Option(names = "--out") Path out = Path.of("out/default");
  }

  @Test
  void pathsBecomeAbsoluteAndOutputsGoToAStagingFolderBesideTheTarget() {
    CommandLine cli = new CommandLine(new Tool());
    CommandLine.ParseResult parsed = cli.parseArgs("--debug", "run", "--all", "--input", "x=@in.npy", "--input",
        "y=[1, 2]", "--call", "sig:a=@a.npy,b=[1,2],c=@c.json", "--format=json", "--out", temp.resolve("o")
            .toString(), "model");
    StagedOutputs outputs = StagedOutputs.prepare(List.of(temp.resolve("o")));
    try {
      Path staging = outputs.stagingFor(temp.resolve("o"));
      Path here = Path.of("").toAbsolutePath();
      assertEquals(List.of("--debug", "run", "--all", "--input", "x=@" + here.resolve("in.npy"), "--input",
          "y=[1, 2]", "--call", "sig:a=@" + here.resolve("a.npy") + ",b=[1,2],c=@" + here.resolve("c.json"),
          "--format", "json", "--out", staging.toString(), here.resolve("model").toString()),
          WorkerBroker.childArgs(parsed, outputs));
      assertEquals(temp, staging.getParent().getParent(), "beside the target: a rename publishes it");
      assertFalse(Files.exists(staging), "the target does not exist, so neither does its staging folder");
      assertEquals("wrote " + temp.resolve("o/y.npy"), outputs.translate("wrote " + staging.resolve("y.npy")));
    } finally {
      outputs.discard();
    }
    assertEquals(List.of(), temp.toFile().list() == null ? List.of() : List.of(temp.toFile().list()));
  }

  @Test
  void anOutputFolderByDefaultIsStagedToo() {
    CommandLine cli = new CommandLine(new Tool());
    Path target = temp.resolve("default-out");
    CommandLine.ParseResult parsed = cli.parseArgs("run", "/m");
    ((Run) cli.getSubcommands().get("run").getCommand()).out = target;
    StagedOutputs outputs = StagedOutputs.prepare(List.of(target));
    try {
      List<String> args = WorkerBroker.childArgs(parsed, outputs);
      assertEquals(List.of("run", "--out", outputs.stagingFor(target).toString(), "/m"), args);
    } finally {
      outputs.discard();
    }
  }

  @Test
  void publishingMovesNewFoldersWholeAndMergesIntoExistingOnes() throws Exception {
    Path fresh = temp.resolve("new/deeper/out");
    Path existing = Files.createDirectories(temp.resolve("existing"));
    Files.writeString(existing.resolve("keep.txt"), "old");
    Files.writeString(existing.resolve("replace.txt"), "old");
    StagedOutputs outputs = StagedOutputs.prepare(List.of(fresh, existing));
    assertTrue(Files.isDirectory(outputs.stagingFor(existing)), "exists exactly when the target does");
    Files.createDirectories(outputs.stagingFor(fresh));
    Files.writeString(outputs.stagingFor(fresh).resolve("a.npy"), "a");
    Files.writeString(outputs.stagingFor(existing).resolve("replace.txt"), "new");
    outputs.publish();
    outputs.discard();
    assertEquals("a", Files.readString(fresh.resolve("a.npy")));
    assertEquals("old", Files.readString(existing.resolve("keep.txt")));
    assertEquals("new", Files.readString(existing.resolve("replace.txt")));
    assertEquals(List.of("keep.txt", "replace.txt"), List.of(existing.toFile().list()).stream().sorted().toList());
    assertEquals(List.of("out"), List.of(fresh.getParent().toFile().list()), "no staging folder left");
  }

  @Test
  void aFailedRunLeavesNoFolderItMadeForItsOutputs() {
    StagedOutputs outputs = StagedOutputs.prepare(List.of(temp.resolve("made/for/out")));
    outputs.discard();
    assertEquals(List.of(), List.of(temp.toFile().list()));
  }

  @Test
  void aStagingFolderLeftByAKilledBrokerIsRemovedByTheNextRunAndALiveOneIsKept() throws Exception {
    Process ended = new ProcessBuilder("true").start();
    ended.waitFor();
    Path abandoned = Files.createDirectories(temp.resolve(".o.worker-" + ended.pid() + "-0badc0de/o"));
    Files.writeString(abandoned.resolve("half-written.npy"), "x");
    Path live = Files.createDirectories(temp.resolve(".o.worker-" + ProcessHandle.current().pid() + "-1111aaaa"));
    Path notOurs = Files.createDirectories(temp.resolve(".o.worker-notes"));

    StagedOutputs outputs = StagedOutputs.prepare(List.of(temp.resolve("o")));
    outputs.discard();

    assertFalse(Files.exists(abandoned.getParent()), "the abandoned staging folder is gone");
    assertTrue(Files.exists(live), "a staging folder whose broker runs is kept");
    assertTrue(Files.exists(notOurs), "a folder not named by a broker is kept");
  }
}
