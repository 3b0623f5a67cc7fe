package org.introdl.music.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.introdl.core.testing.ResidentMemory;
import org.introdl.music.data.SongBatches;
import org.introdl.music.fast.FastMusicLstm;
import org.introdl.music.model.ModelFeed;
import org.junit.jupiter.api.Test;

/**
 * A long run of the lab's training step keeps its native memory flat. (Kill-and-resume and Ctrl-C are the shared
 * loop's, tested once in labs-core's {@code KillAndResumeTest}; {@code MusicTrainerTest} checks the lab resumes.)
 */
class LongRunTest {
  @Test
  void residentMemoryStaysFlatOver5000SmallSteps() {
    FastMusicLstm.Config config = FastMusicLstm.Config.of(8, 8, FastMusicLstm.Input.NOTE_INDICES, 1);
    SongBatches sampler = MusicTrainerTest.smallCorpus().batches(8, config.timesteps(), 1);
    long afterWarmUp = 0;
    long atEnd;
    try (org.tensorflow.Graph g = new org.tensorflow.Graph()) {
      org.tensorflow.op.Ops tf = org.tensorflow.op.Ops.create(g);
      FastMusicLstm model = FastMusicLstm.build(tf, config);
      var update = new org.introdl.core.optim.Tf1Adam(0.001f).minimize(tf, model.loss, model.trainables());
      try (org.tensorflow.Session s = new org.tensorflow.Session(g)) {
        for (int step = 1; step <= 5000; step++) {
          // The trainer's loop body: feed a batch, fetch loss and accuracy, apply Adam, close everything.
          try (ModelFeed feed = ModelFeed.of(model, sampler.next());
              org.tensorflow.Result r = feed.into(s.runner()).fetch(model.loss).fetch(model.accuracy)
                  .addTarget(update.train()).run()) {
            assertTrue(Float.isFinite(((org.tensorflow.types.TFloat32) r.get(0)).getFloat()));
          }
          if (step == 1000) {
            System.gc();
            afterWarmUp = ResidentMemory.kilobytes();
          }
        }
        System.gc();
        atEnd = ResidentMemory.kilobytes();
      }
    }
    System.out.println("RSS after 1000 steps: " + afterWarmUp + " kB; after 5000: " + atEnd + " kB");
    if (afterWarmUp > 0) {
      assertTrue(atEnd < afterWarmUp * 1.05, "RSS after warm-up " + afterWarmUp + " kB, after 5000 steps " + atEnd);
    }
  }
}
