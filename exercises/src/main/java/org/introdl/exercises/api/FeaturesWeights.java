package org.introdl.exercises.api;

import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/** Lab 3's {@code (feature_maps, dense_weights) = extract_features_weights(model)}. */
public record FeaturesWeights(Operand<TFloat32> featureMaps, Operand<TFloat32> denseWeights) {}
