package org.introdl.xray;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import org.introdl.core.testing.SharedFixtures;
import org.introdl.xray.train.XraySettings;
import org.introdl.xray.train.XrayTrainingGraph;
import org.junit.jupiter.api.Test;
import org.tensorflow.GraphOperation;

/** Every VariableV2 of the Java graph, by name and shape, against the Python lab's checkpoint index (36 keys). */
class ModelVariablesTest {
  @Test
  void variableNamesAndShapesEqualThePythonCheckpoint() throws Exception {
    JsonNode index = new ObjectMapper().readTree(
        SharedFixtures.require("xray-2018-checkpoint-meta/checkpoint-variables.json").toFile());
    Map<String, String> python = new TreeMap<>();
    for (JsonNode v : index.get("variables")) {
      python.put(v.get("name").asText(), v.get("shape").toString().replace(" ", ""));
    }
    Map<String, String> java = new TreeMap<>();
    try (XrayTrainingGraph net = new XrayTrainingGraph(XraySettings.lab())) {
      for (var it = net.graph().operations(); it.hasNext(); ) {
        GraphOperation op = it.next();
        if (op.type().equals("VariableV2")) {
          java.put(op.name(), Arrays.toString(op.output(0).shape().asArray()).replace(" ", ""));
        }
      }
      assertEquals(18, net.model().variables().size());
    }
    assertEquals(36, python.size());
    assertEquals(python, java);
  }
}
