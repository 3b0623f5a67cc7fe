package org.introdl.exercises.api;

import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.types.TFloat32;

/**
 * The x-ray lab's {@code PneumothoraxDetectionModel} as the notebook's CAM cells see it: the input {@code x}, the
 * outputs of the four convolution blocks {@code skip1 .. skip4} ({@code [N, h, w, channels]}, each half the size of
 * the one before), the global average pooling {@code gap} ({@code [N, channels]}) and the dense layer's logits
 * {@code yPred} ({@code [N, 2]}; index 1 is pneumothorax).
 */
public record XrayModel(Graph graph, Operand<TFloat32> x, Operand<TFloat32> skip1, Operand<TFloat32> skip2,
    Operand<TFloat32> skip3, Operand<TFloat32> skip4, Operand<TFloat32> gap, Operand<TFloat32> yPred) {

  /**
   * Python's {@code graph.get_tensor_by_name(name)}: {@code "dense/kernel:0"} or {@code "dense/kernel"} is output 0 of
   * the op {@code dense/kernel}.
   *
   * @throws IllegalArgumentException when the graph has no such op
   */
  @SuppressWarnings("unchecked")
  public Output<TFloat32> tensorByName(String name) {
    int colon = name.lastIndexOf(':');
    String opName = colon < 0 ? name : name.substring(0, colon);
    int index = colon < 0 ? 0 : Integer.parseInt(name.substring(colon + 1));
    GraphOperation op = graph.operation(opName);
    if (op == null) {
      throw new IllegalArgumentException("the graph has no tensor named '" + name + "'");
    }
    return (Output<TFloat32>) (Output<?>) op.output(index);
  }
}
