package org.introdl.exercises.grading;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.EagerSession;
import org.tensorflow.ExecutionEnvironment;
import org.tensorflow.Operation;
import org.tensorflow.OperationBuilder;
import org.tensorflow.op.OpScope;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.DataType;

/**
 * An eager {@link Ops} that remembers every op it runs (type and output type), so that a grader can tell a loop that
 * computed with TensorFlow ops from one that computed with Java's own arithmetic. The ops run in a real
 * {@link EagerSession}; this only watches them being built.
 */
public final class EagerRecorder implements AutoCloseable {
  /** One op run: its type ({@code FloorMod}) and the type of its first output (none for an op without outputs). */
  public record RanOp(String type, DataType output) {}

  private final EagerSession session = EagerSession.create();
  private final List<RanOp> ran = new ArrayList<>();
  private final Ops tf;

  public EagerRecorder() {
    ExecutionEnvironment watching = (ExecutionEnvironment) Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {ExecutionEnvironment.class}, this::environmentCall);
    tf = Ops.create(watching);
  }

  /** The eager ops to hand to the student's code. */
  public Ops tf() {
    return tf;
  }

  public List<RanOp> ran() {
    return List.copyOf(ran);
  }

  /** How many ops ran whose first output has type {@code type}. */
  public long count(DataType type) {
    return ran.stream().filter(op -> op.output() == type).count();
  }

  @Override
  public void close() {
    session.close();
  }

  private Object environmentCall(Object proxy, Method method, Object[] args) throws Throwable {
    return switch (method.getName()) {
      case "baseScope" -> new OpScope((ExecutionEnvironment) proxy);
      case "opBuilder" -> watched((OperationBuilder) invoke(method, session, args));
      default -> invoke(method, session, args);
    };
  }

  private OperationBuilder watched(OperationBuilder builder) {
    InvocationHandler handler = (proxy, method, args) -> {
      Object result = invoke(method, builder, args);
      if (method.getName().equals("build")) {
        Operation op = (Operation) result;
        ran.add(new RanOp(op.type(), op.numOutputs() > 0 ? op.output(0).dataType() : null));
        return result;
      }
      return result == builder ? proxy : result;
    };
    return (OperationBuilder) Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {OperationBuilder.class}, handler);
  }

  private static Object invoke(Method method, Object target, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
