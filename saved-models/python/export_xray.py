"""Export the x-ray lab's model (trained in Python) as a SavedModel the Java labs can serve.

Signature `serving_default`: images float32 [N, 256, 256, 1] -> probabilities float32 [N, 2].
Signature `cam`: images -> probabilities, cam float32 [N, 16, 16, 2] (class activation maps: last
feature map times the dense kernel, before upsampling) and cam_upsampled float32 [N, 256, 256, 2]
(bilinear with TF1's defaults, as the lab). The signatures `./labs xray export` writes. The Keras model
must name its last feature map layer `features` ([N, 16, 16, 512]) and its output layer `dense`
(512 -> 2, softmax).

    python export_xray.py --model trained_xray.keras --out xray_savedmodel
    python export_xray.py --untrained --out xray_savedmodel   # the lab's shapes, random weights
"""
import argparse

import tensorflow as tf

SIZE = 256


def untrained_model():
    x = inp = tf.keras.Input((SIZE, SIZE, 1))
    x = tf.keras.layers.Lambda(tf.image.per_image_standardization)(x)
    for filters in (64, 128, 256, 512):
        x = tf.keras.layers.Conv2D(filters, 3, padding="same", activation="relu")(x)
        x = tf.keras.layers.MaxPooling2D(2, name="features" if filters == 512 else None)(x)
    x = tf.keras.layers.GlobalAveragePooling2D()(x)
    return tf.keras.Model(inp, tf.keras.layers.Dense(2, activation="softmax", name="dense")(x))


def export(model, out):
    features = tf.keras.Model(model.input, [model.get_layer("features").output, model.output])
    kernel = model.get_layer("dense").kernel

    images_spec = tf.TensorSpec([None, SIZE, SIZE, 1], tf.float32, name="images")

    @tf.function(input_signature=[images_spec])
    def serve(images):
        return {"probabilities": model(images, training=False)}

    @tf.function(input_signature=[images_spec])
    def cam(images):
        maps, probabilities = features(images, training=False)
        grid = tf.einsum("nhwk,kc->nhwc", maps, kernel)
        upsampled = tf.compat.v1.image.resize_bilinear(grid, [SIZE, SIZE])
        return {"probabilities": probabilities, "cam": grid, "cam_upsampled": upsampled}

    tf.saved_model.save(model, out, signatures={"serving_default": serve, "cam": cam})


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--model", help="a trained Keras model (.keras)")
    p.add_argument("--untrained", action="store_true")
    p.add_argument("--out", required=True)
    a = p.parse_args()
    export(untrained_model() if a.untrained else tf.keras.models.load_model(a.model), a.out)
