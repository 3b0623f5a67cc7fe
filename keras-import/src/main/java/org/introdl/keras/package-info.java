/**
 * Keras files from Python as TensorFlow graphs, in Java: {@code ./labs keras show|run|convert}.
 *
 * <ul>
 *   <li>Reading: {@link org.introdl.keras.KerasSource} (what the user points at), {@link org.introdl.keras.KerasFile}
 *       (config and weights of a {@code .keras} zip, a legacy {@code .h5} or JSON plus weights, with
 *       {@link org.introdl.keras.KerasArchive} checking every zip entry and {@link org.introdl.keras.KerasWeights}
 *       reading HDF5 with jHDF), {@link org.introdl.keras.KerasModel} (the topology in one form for every Keras
 *       version);</li>
 *   <li>Judging: {@link org.introdl.keras.KerasBudget}, what a config declares it will take, refused over the
 *       memory budget before anything is built;</li>
 *   <li>Building: {@link org.introdl.keras.KerasGraph} calls {@link org.introdl.keras.Layers} (with
 *       {@link org.introdl.keras.Convolutions}, {@link org.introdl.keras.Recurrent} and
 *       {@link org.introdl.keras.Activations}) layer by layer;</li>
 *   <li>The steps the commands call: {@link org.introdl.keras.KerasShow}, {@link org.introdl.keras.KerasRun} and
 *       {@link org.introdl.keras.KerasConvert}, which writes a SavedModel the saved-models module runs and scans.</li>
 * </ul>
 *
 * This module uses the saved-models module (SavedModel writing, value I/O, inputs and outputs on the command line);
 * nothing there uses it.
 */
package org.introdl.keras;
