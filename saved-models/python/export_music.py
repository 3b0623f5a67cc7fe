"""Export the music lab's model (trained in Python) as a SavedModel the Java labs can serve.

Signature `serving_default`: inputs float32 [N, 64, 78] (64 piano-roll steps, 78 notes)
-> probabilities float32 [N, 78] (the next step's notes). The signature `./labs music export` writes.

    python export_music.py --model trained_music.keras --out music_savedmodel
    python export_music.py --untrained --out music_savedmodel   # the lab's shapes, random weights
"""
import argparse

import tensorflow as tf

STEPS, NOTES, HIDDEN = 64, 78, 128


def untrained_model():
    return tf.keras.Sequential([
        tf.keras.Input((STEPS, NOTES)),
        tf.keras.layers.LSTM(HIDDEN),
        tf.keras.layers.Dense(NOTES, activation="sigmoid"),
    ])


def export(model, out):
    @tf.function(input_signature=[tf.TensorSpec([None, STEPS, NOTES], tf.float32, name="inputs")])
    def serve(inputs):
        return {"probabilities": model(inputs, training=False)}

    tf.saved_model.save(model, out, signatures={"serving_default": serve})


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--model", help="a trained Keras model (.keras)")
    p.add_argument("--untrained", action="store_true")
    p.add_argument("--out", required=True)
    a = p.parse_args()
    export(untrained_model() if a.untrained else tf.keras.models.load_model(a.model), a.out)
