package org.introdl.serving;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.introdl.core.io.Npy;
import org.introdl.savedmodels.format.SavedModelDir;
import org.introdl.savedmodels.values.TensorValue;
import org.tensorflow.proto.MetaGraphDef;

/**
 * A loaded version whose runs are batched: concurrent calls of one signature wait up to the batch timeout, are
 * concatenated along the first dimension (every input of a call must share it, and the calls must agree on dtypes
 * and the other dimensions), run once, and each gets its own rows of every output back. Calls that cannot be merged
 * run alone; if a merged run fails, or an output does not have one row per input row, each call runs alone, so a
 * bad request never fails its neighbours.
 */
public final class BatchingModel implements ServableModel {
  private final ServableModel model;
  private final Batching batching;
  private final Map<String, SignatureQueue> queues = new ConcurrentHashMap<>();
  private volatile boolean closed;

  public BatchingModel(ServableModel model, Batching batching) {
    this.model = model;
    this.batching = batching;
  }

  /** A loader whose versions are batched. */
  public static ModelLoader loader(ModelLoader loader, Batching batching) {
    return (dir, config) -> new BatchingModel(loader.load(dir, config), batching);
  }

  @Override
  public MetaGraphDef metaGraph() {
    return model.metaGraph();
  }

  @Override
  public SavedModelDir.Signature signature(String key) {
    return model.signature(key);
  }

  @Override
  public Map<String, TensorValue> run(SavedModelDir.Signature signature, Map<String, TensorValue> inputs,
      Duration timeout) {
    long rows = rows(inputs);
    if (rows < 1 || rows >= batching.maxBatchSize() || closed) {
      return model.run(signature, inputs, timeout);
    }
    Call call = new Call(inputs, rows, timeout);
    queues.computeIfAbsent(signature.key(), k -> new SignatureQueue(signature)).add(call);
    try {
      return call.result.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ServingError(ServingError.Code.CANCELLED, "Cancelled");
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    }
  }

  /** The shared first dimension of every input, or -1 when they have none in common. */
  static long rows(Map<String, TensorValue> inputs) {
    long rows = -1;
    for (TensorValue v : inputs.values()) {
      if (v.shape().length == 0 || (rows >= 0 && v.shape()[0] != rows)) {
        return -1;
      }
      rows = v.shape()[0];
    }
    return rows;
  }

  @Override
  public void close() {
    closed = true;
    queues.values().forEach(SignatureQueue::stop);
    model.close();
  }

  private record Call(Map<String, TensorValue> inputs, long rows, Duration timeout,
      CompletableFuture<Map<String, TensorValue>> result) {
    Call(Map<String, TensorValue> inputs, long rows, Duration timeout) {
      this(inputs, rows, timeout, new CompletableFuture<>());
    }

    /** Whether this call's inputs can be concatenated with {@code other}'s. */
    boolean fits(Call other) {
      if (!inputs.keySet().equals(other.inputs.keySet())) {
        return false;
      }
      for (Map.Entry<String, TensorValue> e : inputs.entrySet()) {
        TensorValue a = e.getValue();
        TensorValue b = other.inputs.get(e.getKey());
        if (a.getClass() != b.getClass() || !Arrays.equals(tail(a.shape()), tail(b.shape()))) {
          return false;
        }
        if (a instanceof TensorValue.Numbers na && b instanceof TensorValue.Numbers nb
            && (na.dtype() != nb.dtype() || na.array().dtype() != nb.array().dtype())) {
          return false;
        }
      }
      return true;
    }
  }

  private static long[] tail(long[] shape) {
    return Arrays.copyOfRange(shape, 1, shape.length);
  }

  /** One signature's waiting calls and the thread that batches them. */
  private final class SignatureQueue {
    private final SavedModelDir.Signature signature;
    private final LinkedBlockingQueue<Call> waiting = new LinkedBlockingQueue<>();
    private final Thread thread;
    private Call carried;

    SignatureQueue(SavedModelDir.Signature signature) {
      this.signature = signature;
      this.thread = new Thread(this::loop, "batch-" + signature.key());
      thread.setDaemon(true);
      thread.start();
    }

    void add(Call call) {
      waiting.add(call);
    }

    void stop() {
      thread.interrupt();
    }

    private void loop() {
      try {
        while (!Thread.currentThread().isInterrupted()) {
          List<Call> batch = collect();
          runBatch(batch);
        }
      } catch (InterruptedException e) {
        Call left;
        while ((left = waiting.poll()) != null) {
          left.result.completeExceptionally(new ServingError(ServingError.Code.UNAVAILABLE, "the model is unloading"));
        }
      }
    }

    /** The first call waiting, then those that fit with it until the batch is full or the timeout has passed. */
    private List<Call> collect() throws InterruptedException {
      Call first = carried != null ? carried : waiting.take();
      carried = null;
      List<Call> batch = new ArrayList<>(List.of(first));
      long rows = first.rows();
      long deadline = System.nanoTime() + batching.batchTimeout().toNanos();
      while (rows < batching.maxBatchSize()) {
        Call next = waiting.poll(Math.max(deadline - System.nanoTime(), 0), TimeUnit.NANOSECONDS);
        if (next == null) {
          break;
        }
        if (!first.fits(next) || rows + next.rows() > batching.maxBatchSize()) {
          carried = next;
          break;
        }
        batch.add(next);
        rows += next.rows();
      }
      return batch;
    }

    private void runBatch(List<Call> batch) {
      if (batch.size() == 1) {
        runAlone(batch.get(0));
        return;
      }
      long total = batch.stream().mapToLong(Call::rows).sum();
      Map<String, TensorValue> outputs;
      try {
        outputs = model.run(signature, concat(batch), batch.get(0).timeout());
      } catch (RuntimeException e) {
        batch.forEach(this::runAlone);
        return;
      }
      if (outputs.values().stream().anyMatch(v -> v.shape().length == 0 || v.shape()[0] != total)) {
        batch.forEach(this::runAlone);
        return;
      }
      long at = 0;
      for (Call call : batch) {
        Map<String, TensorValue> own = new LinkedHashMap<>();
        for (Map.Entry<String, TensorValue> e : outputs.entrySet()) {
          own.put(e.getKey(), rowsOf(e.getValue(), at, call.rows()));
        }
        at += call.rows();
        call.result.complete(own);
      }
    }

    private void runAlone(Call call) {
      try {
        call.result.complete(model.run(signature, call.inputs(), call.timeout()));
      } catch (RuntimeException e) {
        call.result.completeExceptionally(e);
      }
    }
  }

  /** The calls' inputs, each key's values one after the other along the first dimension. */
  private static Map<String, TensorValue> concat(List<Call> batch) {
    Map<String, TensorValue> merged = new LinkedHashMap<>();
    long total = batch.stream().mapToLong(Call::rows).sum();
    for (String key : batch.get(0).inputs().keySet()) {
      TensorValue first = batch.get(0).inputs().get(key);
      long[] shape = first.shape().clone();
      shape[0] = total;
      if (first instanceof TensorValue.Strings) {
        List<byte[]> values = new ArrayList<>();
        batch.forEach(c -> values.addAll(((TensorValue.Strings) c.inputs().get(key)).values()));
        merged.put(key, new TensorValue.Strings(shape, values));
      } else {
        TensorValue.Numbers n = (TensorValue.Numbers) first;
        int bytes = batch.stream().mapToInt(c -> ((TensorValue.Numbers) c.inputs().get(key)).array().data()
            .remaining()).sum();
        ByteBuffer data = ByteBuffer.allocate(bytes);
        batch.forEach(c -> data.put(((TensorValue.Numbers) c.inputs().get(key)).array().data().duplicate()));
        data.flip();
        merged.put(key, new TensorValue.Numbers(new Npy.Array(n.array().dtype(), shape, data), n.dtype()));
      }
    }
    return merged;
  }

  /** Rows {@code from} to {@code from + count} of a value. */
  private static TensorValue rowsOf(TensorValue value, long from, long count) {
    long[] shape = value.shape().clone();
    long perRow = 1;
    for (int i = 1; i < shape.length; i++) {
      perRow *= shape[i];
    }
    shape[0] = count;
    int start = Math.toIntExact(from * perRow);
    int end = Math.toIntExact((from + count) * perRow);
    if (value instanceof TensorValue.Strings s) {
      return new TensorValue.Strings(shape, s.values().subList(start, end));
    }
    TensorValue.Numbers n = (TensorValue.Numbers) value;
    int item = n.array().dtype().itemSize;
    ByteBuffer data = n.array().data().duplicate();
    data.position(start * item).limit(end * item);
    return new TensorValue.Numbers(new Npy.Array(n.array().dtype(), shape, data.slice()), n.dtype());
  }
}
