package org.introdl.exercises.api;

import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/** Lab 1's automatic differentiation: {@code f(x)} and its first and second derivatives, as graph ops. */
public record Derivatives(Operand<TFloat32> f, Operand<TFloat32> df, Operand<TFloat32> d2f) {}
