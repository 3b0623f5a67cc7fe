package org.introdl.keras;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Finds the weights of each layer of one model (the top one or a nested one) in a {@link KerasWeights}.
 *
 * <p>Legacy files name the layer's group; a nested model's group holds the weights of all its layers, named
 * {@code inner_layer/kernel:0}. Keras 3 files place each layer at {@code layers/<class in snake case>[_n]}, counted
 * per class in the model's order ({@code dense}, {@code dense_1}, ...); where the group also records the layer's
 * name (Keras 3 writes it as the {@code name} attribute of {@code vars}), that name is what is matched.
 */
abstract class WeightSource {
  private static final Pattern CAMEL_1 = Pattern.compile("(.)([A-Z][a-z]+)");
  private static final Pattern CAMEL_2 = Pattern.compile("([a-z])([A-Z])");

  /** Keras's {@code naming.to_snake_case}: Conv2D -> conv2d, MaxPooling2D -> max_pooling2d, LeakyReLU -> leaky_re_lu. */
  static String snakeCase(String className) {
    String s = CAMEL_1.matcher(className).replaceAll("$1_$2");
    return CAMEL_2.matcher(s).replaceAll("$1_$2").toLowerCase(java.util.Locale.ROOT);
  }

  abstract List<WeightArray> of(KerasModel.Layer layer);

  abstract WeightSource nested(KerasModel.Layer layer);

  static WeightSource root(KerasFile file) {
    KerasWeights w = file.weights();
    KerasModel model = KerasModel.parse(file.model(), file.path().toString());
    return w.isKeras3Layout() ? new Keras3(w, "layers", model) : new Legacy(w, null);
  }

  private static final class Legacy extends WeightSource {
    private final KerasWeights weights;
    private final List<WeightArray> pool;

    Legacy(KerasWeights weights, List<WeightArray> pool) {
      this.weights = weights;
      this.pool = pool;
    }

    @Override
    List<WeightArray> of(KerasModel.Layer layer) {
      if (pool == null) {
        return weights.ofLayer(layer.name());
      }
      List<WeightArray> out = new ArrayList<>();
      for (WeightArray w : pool) {
        if (w.name().startsWith(layer.name() + "/") || w.name().contains("/" + layer.name() + "/")) {
          out.add(w);
        }
      }
      return out;
    }

    @Override
    WeightSource nested(KerasModel.Layer layer) {
      return new Legacy(weights, of(layer).isEmpty() ? weights.ofLayer(layer.name()) : of(layer));
    }
  }

  private static final class Keras3 extends WeightSource {
    private final KerasWeights weights;
    private final String container;
    private final KerasModel model;

    Keras3(KerasWeights weights, String container, KerasModel model) {
      this.weights = weights;
      this.container = container;
      this.model = model;
    }

    @Override
    List<WeightArray> of(KerasModel.Layer layer) {
      return path(layer).flatMap(weights::under).orElse(List.of());
    }

    @Override
    WeightSource nested(KerasModel.Layer layer) {
      return new Keras3(weights, path(layer).orElse(container + "/" + snakeCase(layer.className())) + "/layers",
          layer.nested());
    }

    /** The layer's object path: by its recorded name, else by Keras's per-class counting. */
    private Optional<String> path(KerasModel.Layer layer) {
      Optional<String> named = weights.pathNamed(container + "/", layer.name());
      if (named.isPresent()) {
        return named;
      }
      String candidate = container + "/" + counted(layer);
      return weights.under(candidate).isPresent() ? Optional.of(candidate) : Optional.empty();
    }

    /** {@code dense}, {@code dense_1}, ...: the layer's class, numbered among the earlier layers of that class. */
    private String counted(KerasModel.Layer layer) {
      String base = snakeCase(layer.className());
      int seen = 0;
      for (KerasModel.Layer l : model.layers()) {
        if (l.name().equals(layer.name())) {
          break;
        }
        if (snakeCase(l.className()).equals(base)) {
          seen++;
        }
      }
      return seen == 0 ? base : base + "_" + seen;
    }
  }
}
