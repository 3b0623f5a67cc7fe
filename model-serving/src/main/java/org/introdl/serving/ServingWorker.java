package org.introdl.serving;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.introdl.core.safety.RunLimits;
import org.introdl.core.worker.WorkerProcess;
import org.introdl.savedmodels.values.TensorValue;

/**
 * The worker process of one model version ({@link WorkerLoader} starts it): loads the version as the server would in
 * process ({@link InProcessLoader}: scan, repairs, scan again, load), says so on stdout, then runs each request read
 * from stdin on a thread of its own and writes the answer back ({@link WorkerWire}). It halts when stdin ends: the
 * server closed it, or is gone.
 *
 * <p>Arguments: the version folder, the model's name, whether unsafe ops are allowed, the memory budget in bytes and
 * the load time limit in milliseconds.
 */
public final class ServingWorker {
  private ServingWorker() {}

  public static void main(String[] args) {
    // stdout is the channel: nothing else may write to it.
    DataOutputStream channel = new DataOutputStream(new BufferedOutputStream(
        new FileOutputStream(FileDescriptor.out), 1 << 16));
    System.setOut(System.err);
    WorkerProcess.announceReadyToServe();
    ModelConfig config = new ModelConfig(args[1], Path.of(args[0]), new ModelConfig.VersionPolicy.Latest(1),
        Map.of(), new RunLimits(Boolean.parseBoolean(args[2]), Long.parseLong(args[3]),
            Duration.ofMillis(Long.parseLong(args[4]))));
    ServableModel model;
    try {
      model = new InProcessLoader().load(config.basePath(), config);
      channel.writeByte(WorkerWire.LOADED);
      WorkerWire.writeBytes(channel, model.metaGraph().toByteArray());
      channel.flush();
    } catch (ModelLoader.LoadFailure e) {
      answerAndHalt(channel, new ServingError(e.code(), e.getMessage()));
      return;
    } catch (RuntimeException e) {
      answerAndHalt(channel, new ServingError(ServingError.Code.UNKNOWN, config.basePath() + ": " + e));
      return;
    } catch (IOException e) {
      Runtime.getRuntime().halt(1);
      return;
    }
    serve(model, channel);
  }

  /** Reads requests until stdin ends; each runs on its own thread, so that concurrent requests run concurrently. */
  private static void serve(ServableModel model, DataOutputStream channel) {
    ExecutorService runs = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "run");
      t.setDaemon(true);
      return t;
    });
    try (DataInputStream requests = new DataInputStream(new BufferedInputStream(
        new FileInputStream(FileDescriptor.in), 1 << 16))) {
      while (true) {
        WorkerWire.RunRequest request = WorkerWire.readRequest(requests);
        runs.execute(() -> answer(channel, run(model, request)));
      }
    } catch (EOFException parentGone) {
      // The server closed the channel: nothing is left to answer.
    } catch (IOException e) {
      // a broken channel is the server gone, too
    }
    Runtime.getRuntime().halt(0);
  }

  private static WorkerWire.RunReply run(ServableModel model, WorkerWire.RunRequest request) {
    try {
      Map<String, TensorValue> outputs = model.run(model.signature(request.signature()), request.inputs(),
          Duration.ofMillis(request.deadlineMillis()));
      return new WorkerWire.RunReply(request.id(), outputs, null);
    } catch (ServingError e) {
      return new WorkerWire.RunReply(request.id(), null, e);
    } catch (OutOfMemoryError e) {
      return new WorkerWire.RunReply(request.id(), null, new ServingError(ServingError.Code.RESOURCE_EXHAUSTED,
          "the model ran out of Java memory in its worker (--max-memory SIZE to give it more)"));
    } catch (RuntimeException e) {
      return new WorkerWire.RunReply(request.id(), null, new ServingError(ServingError.Code.INTERNAL,
          String.valueOf(e)));
    }
  }

  private static void answer(DataOutputStream channel, WorkerWire.RunReply reply) {
    synchronized (channel) {
      try {
        WorkerWire.writeReply(channel, reply);
        channel.flush();
      } catch (IOException e) {
        Runtime.getRuntime().halt(0);
      }
    }
  }

  private static void answerAndHalt(DataOutputStream channel, ServingError error) {
    try {
      WorkerWire.writeError(channel, error);
      channel.flush();
    } catch (IOException e) {
      // the server is gone: nobody to tell
    }
    Runtime.getRuntime().halt(0);
  }

  /** The worker's arguments for {@code versionDir} of the model {@code config}. */
  static List<String> args(Path versionDir, ModelConfig config) {
    RunLimits limits = config.limits();
    return List.of(versionDir.toString(), config.name(), Boolean.toString(limits.allowUnsafeOps()),
        Long.toString(limits.memoryBudgetBytes()), Long.toString(limits.timeout().toMillis()));
  }
}
