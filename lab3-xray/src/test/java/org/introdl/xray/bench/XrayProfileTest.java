package org.introdl.xray.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.introdl.core.tf.Convolution;
import org.introdl.core.tf.ConvolutionPlan;
import org.junit.jupiter.api.Test;

class XrayProfileTest {
  @Test
  void theOpTypeIsReadFromTheTimelineLabel() {
    assertEquals("_MklNativeFusedConv2D", XrayProfile.opType("conv2d_1/Relu = _MklNativeFusedConv2D(x, k, b)"));
    assertEquals("MaxPoolV2", XrayProfile.opType("MaxPool = MaxPoolV2(add, Const, Const)"));
    assertEquals("_SOURCE", XrayProfile.opType("_SOURCE"));
  }

  @Test
  void everyConvolutionLayerAndEveryConvOpIsAccountedFor() {
    XrayProfile.Profile p = XrayProfile.forward(32, 2, ConvolutionPlan.fixed(Convolution.Kernel.CONV), 1);
    Map<String, Integer> layers = p.byLayer().stream()
        .collect(Collectors.toMap(XrayProfile.Row::name, XrayProfile.Row::ops));
    for (String layer : Set.of("conv2d", "conv2d_1", "conv2d_4", "conv2d_7", "dense")) {
      assertTrue(layers.containsKey(layer), layer + " in " + layers.keySet());
    }
    XrayProfile.Row conv = p.byType().stream().filter(r -> r.name().equals("Conv")).findFirst().orElseThrow();
    assertEquals(8, conv.ops());
    double byLayer = p.byLayer().stream().mapToDouble(XrayProfile.Row::ms).sum();
    assertEquals(p.opsMs(), byLayer, 1e-6, "the same ops, grouped two ways");
    assertTrue(p.opsMs() > 0 && p.wallMs() > 0);
  }
}
