package org.introdl.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.introdl.core.LabPaths;
import org.introdl.music.MusicLab;
import org.introdl.xray.XrayLab;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ./labs data fetch music|xray}: downloads a lab's real data into the cache, checksums checked. */
@Command(name = "data", mixinStandardHelpOptions = true, description = "Download the labs' real data sets.",
    subcommands = DataCommand.Fetch.class)
public final class DataCommand extends org.introdl.core.cli.CommandGroup {
  /** The labs whose data can be fetched. */
  public enum Dataset { music, xray }

  @Command(name = "fetch", mixinStandardHelpOptions = true,
      description = "Download a lab's data from pinned URLs (SHA-256 checked) into the cache folder.")
  static final class Fetch implements Callable<Integer> {
    @Parameters(paramLabel = "DATASET", description = "One of: ${COMPLETION-CANDIDATES}.")
    Dataset dataset;

    @Option(names = "--dir", description = "Where to put it (default: the cache, ${DEFAULT-VALUE}).")
    Path dir = LabPaths.cacheDir();

    @Override
    public Integer call() {
      Path target = dir.resolve(dataset.name());
      Path done = switch (dataset) {
        case music -> MusicLab.fetchData(target, System.out);
        case xray -> XrayLab.fetchData(target, System.out);
      };
      System.out.println("Data is in " + done);
      return 0;
    }
  }
}
