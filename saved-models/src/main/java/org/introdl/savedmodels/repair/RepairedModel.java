package org.introdl.savedmodels.repair;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.introdl.core.UserError;
import org.introdl.savedmodels.format.SavedModelDir;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.SavedModel;

/**
 * A SavedModel made ready to load here, before anything of it runs: signature calls bound to the variables the
 * checkpoint restores (see {@link RestoredVariables}), cuDNN-only recurrent layers rewritten for the CPU, then signatures that disagree with the graph repaired or dropped (see {@link SignatureRepair}). When
 * nothing needed changing, the original folder is loaded as it is. Otherwise the repaired {@code saved_model.pb}
 * is written into a temporary folder beside links to the original {@code variables/} and {@code assets/}, and
 * TensorFlow's own loader loads that (so variables are restored exactly as they would be from the original);
 * {@link #close()} deletes the temporary folder.
 */
public final class RepairedModel implements AutoCloseable {
  /** Files that describe the original {@code saved_model.pb} and would be wrong beside a repaired one. */
  private static final Set<String> NOT_LINKED = Set.of("saved_model.pb", "saved_model.pbtxt", "fingerprint.pb");

  private final Path loadDir;
  private final MetaGraphDef metaGraph;
  private final List<String> notes;
  private final Path temporary;

  private RepairedModel(Path loadDir, MetaGraphDef metaGraph, List<String> notes, Path temporary) {
    this.loadDir = loadDir;
    this.metaGraph = metaGraph;
    this.notes = List.copyOf(notes);
    this.temporary = temporary;
  }

  /** Repairs the MetaGraph {@code metaGraph} of {@code model} for a run calling the signatures {@code called}. */
  public static RepairedModel prepare(SavedModelDir model, MetaGraphDef metaGraph, Collection<String> called) {
    List<String> notes = new ArrayList<>();
    MetaGraphDef repaired = repairMetaGraph(model, metaGraph, called, notes);
    if (notes.isEmpty()) {
      return new RepairedModel(model.dir(), metaGraph, notes, null);
    }
    Path temporary;
    try {
      temporary = Files.createTempDirectory("savedmodel-repaired-");
    } catch (IOException e) {
      throw new UserError("cannot create a temporary folder for the repaired model (" + e.getMessage() + ")");
    }
    try {
      writeCopy(model, List.of(metaGraph), List.of(repaired), temporary, true);
    } catch (RuntimeException e) {
      deleteQuietly(temporary);
      throw e;
    }
    return new RepairedModel(temporary, repaired, notes, temporary);
  }

  /**
   * Signature calls bound to the restored variables, the cuDNN rewrite and the signature repair, each adding one
   * line per change to {@code notes}.
   */
  public static MetaGraphDef repairMetaGraph(SavedModelDir model, MetaGraphDef metaGraph, Collection<String> called,
      List<String> notes) {
    RestoredVariables.Result bound = RestoredVariables.bind(metaGraph);
    notes.addAll(bound.notes());
    CudnnRnnRewrite.Result rnn = CudnnRnnRewrite.rewrite(bound.metaGraph());
    notes.addAll(rnn.notes());
    SignatureRepair.Result signatures = SignatureRepair.repair(rnn.metaGraph(), called, model.dir().toString());
    notes.addAll(signatures.notes());
    return signatures.metaGraph();
  }

  /** Writes {@code model} into the empty folder {@code target}, each of {@code originals} replaced as repaired. */
  public static void writeCopy(SavedModelDir model, List<MetaGraphDef> originals, List<MetaGraphDef> repaired,
      Path target) {
    writeCopy(model, originals, repaired, target, false);
  }

  /** Like {@link #writeCopy(SavedModelDir, List, List, Path)}, with every other entry linked ({@code link}). */
  private static void writeCopy(SavedModelDir model, List<MetaGraphDef> originals, List<MetaGraphDef> repaired,
      Path target, boolean link) {
    SavedModel.Builder proto = model.proto().toBuilder();
    for (int k = 0; k < originals.size(); k++) {
      Set<String> tags = new TreeSet<>(originals.get(k).getMetaInfoDef().getTagsList());
      for (int i = 0; i < proto.getMetaGraphsCount(); i++) {
        if (new TreeSet<>(proto.getMetaGraphs(i).getMetaInfoDef().getTagsList()).equals(tags)) {
          proto.setMetaGraphs(i, repaired.get(k));
        }
      }
    }
    try (Stream<Path> entries = Files.list(model.dir())) {
      for (Path entry : entries.toList()) {
        String name = entry.getFileName().toString();
        if (NOT_LINKED.contains(name)) {
          continue;
        }
        if (link) {
          Files.createSymbolicLink(target.resolve(name), entry.toAbsolutePath());
        } else {
          copyTree(entry, target.resolve(name));
        }
      }
      Files.write(target.resolve("saved_model.pb"), proto.build().toByteArray());
    } catch (IOException e) {
      throw new UserError(target + ": cannot write the repaired model (" + e.getMessage() + ")");
    }
  }

  /**
   * Copies a folder as it is, never following a symbolic link: a link anywhere in it is refused before anything is
   * copied (copying through it would put a file from elsewhere on the machine into the output as a plain file).
   */
  static void copyTree(Path from, Path to) throws IOException {
    List<Path> tree;
    try (Stream<Path> walk = Files.walk(from)) {
      tree = walk.toList();
    }
    for (Path p : tree) {
      if (Files.isSymbolicLink(p)) {
        throw UserError.inFile(p, "is a symbolic link inside the SavedModel folder; a model folder must hold its"
            + " own files (copy them in)");
      }
    }
    for (Path p : tree) {
      Path dest = to.resolve(from.relativize(p).toString());
      if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
        Files.createDirectories(dest);
      } else {
        Files.copy(p, dest, LinkOption.NOFOLLOW_LINKS);
      }
    }
  }

  /** The folder to hand to TensorFlow's loader. */
  public Path loadDir() {
    return loadDir;
  }

  /** The MetaGraph that will be loaded: what a safety scan must look at. */
  public MetaGraphDef metaGraph() {
    return metaGraph;
  }

  /** One line per change made, for the user. */
  public List<String> notes() {
    return notes;
  }

  @Override
  public void close() {
    if (temporary != null) {
      deleteQuietly(temporary);
    }
  }

  /** Deletes the temporary copy: its own files and links, never what the links point to. */
  private static void deleteQuietly(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // A leftover temporary folder is harmless; the run's result is what matters.
    }
  }
}
