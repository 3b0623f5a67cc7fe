package org.introdl.exercises.api;

import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/** Lab 1's placeholder graph: the two inputs {@code a}, {@code b} and the output {@code e} built from them. */
public record PlaceholderGraph(Operand<TFloat32> a, Operand<TFloat32> b, Operand<TFloat32> e) {}
