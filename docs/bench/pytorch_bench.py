#!/usr/bin/env python3
"""The labs' benchmark workloads in PyTorch, for a side-by-side run with `./labs bench`.

Not part of the build or the tests. It writes the same JSON as `./labs bench --out`, with the same workload names
for the rows it has, so that

    python3 docs/bench/pytorch_bench.py --out pytorch.json
    ./labs bench --compare pytorch.json

prints this machine's TensorFlow Java run beside PyTorch's, as ratios. The protocol is the bench's: 3 warm-up runs,
then the median, min and max of 20 timed runs; the threads are the machine's cores.

The models are what a PyTorch user writes for the same labs: `nn.LSTM(78, 128)` and a dense layer to 78 notes with
softmax cross-entropy and Adam (W1, W2); the x-ray lab's CNN with `nn.Conv2d` (NCHW, PyTorch's default layout),
per-image standardisation, global average pooling, SGD with momentum (W3, W4).
"""
import argparse
import json
import os
import platform
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

NOTES, HIDDEN, TIMESTEPS, BATCH = 78, 128, 64, 256
IMAGE = 256
BLOCKS = [(5, 64), (5, 128), (3, 256), (3, 512)]


ONLY = None  # --only: run the workloads whose name contains this text (and the peak)


def timing(name, fn, warmup=3, runs=20, flops=0.0):
    if ONLY and ONLY not in name and not name.startswith("peak"):
        return None
    for _ in range(warmup):
        fn()
    ms = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        ms.append((time.perf_counter() - t0) * 1e3)
    ms.sort()
    print(f"{name:60s} {statistics.median(ms):10.2f} ms", flush=True)
    return {"name": name, "medianMs": statistics.median(ms), "minMs": ms[0], "maxMs": ms[-1], "runs": runs,
            "flopsPerRun": flops, "baseline": None}


class MusicModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(NOTES, HIDDEN, batch_first=True)
        self.dense = nn.Linear(HIDDEN, NOTES)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.dense(out[:, -1, :])


class XrayModel(nn.Module):
    def __init__(self):
        super().__init__()
        layers, channels = [], 1
        for k, filters in BLOCKS:
            layers.append(nn.Conv2d(channels, filters, k, padding=k // 2))
            layers.append(nn.Conv2d(filters, filters, k, padding=k // 2))
            channels = filters
        self.convs = nn.ModuleList(layers)
        self.dense = nn.Linear(channels, 2)

    def forward(self, x):
        mean = x.mean(dim=(1, 2, 3), keepdim=True)
        std = x.std(dim=(1, 2, 3), keepdim=True, unbiased=False)
        x = (x - mean) / torch.clamp(std, min=1.0 / (x[0].numel() ** 0.5))
        for i in range(0, len(self.convs), 2):
            a = F.relu(self.convs[i](x))
            b = F.relu(self.convs[i + 1](a))
            x = F.max_pool2d(a + b, 2)
        return F.softmax(self.dense(x.mean(dim=(2, 3))), dim=1)


def one_hot_windows(batch, generator):
    notes = torch.randint(0, NOTES, (batch, TIMESTEPS + 1), generator=generator)
    return F.one_hot(notes[:, :-1], NOTES).float(), notes[:, -1]


def music_workloads(results):
    g = torch.Generator().manual_seed(1)
    model = MusicModel()
    adam = torch.optim.Adam(model.parameters(), lr=1e-3)
    x, y = one_hot_windows(BATCH, g)
    train_flops = 3 * (2.0 * TIMESTEPS * BATCH * (NOTES + HIDDEN) * 4 * HIDDEN + 2.0 * BATCH * HIDDEN * NOTES)

    def train_step():
        adam.zero_grad()
        F.cross_entropy(model(x), y).backward()
        adam.step()

    results.append(timing("W1 music train step", train_step, flops=train_flops))

    window = one_hot_windows(1, g)[0]

    def forward():
        with torch.no_grad():
            return torch.argmax(model(window), dim=1)

    results.append(timing("W2 music forward B=1 T=64 (sliding window)", forward))

    def five_hundred_notes():
        # The lab's scheme: each new note is sampled from a forward pass over the last 64 rows, starting from zero
        # state.
        rows = window[0].clone()
        with torch.no_grad():
            for _ in range(500):
                p = F.softmax(model(rows[-TIMESTEPS:].unsqueeze(0)), dim=1)
                note = torch.multinomial(p, 1, generator=g).item()
                rows = torch.cat([rows, F.one_hot(torch.tensor([note]), NOTES).float()])

    results.append(timing("W2 music 500 notes, lab-faithful (sliding window)", five_hundred_notes))


def xray_workloads(results, train_runs):
    torch.manual_seed(1)
    model = XrayModel()
    forward_flops = 48.26e9
    image = torch.rand(1, 1, IMAGE, IMAGE) * 255

    def forward():
        with torch.no_grad():
            return model(image)

    results.append(timing("W3 x-ray forward 256", forward, flops=forward_flops))

    sgd = torch.optim.SGD(model.parameters(), lr=1e-4, momentum=0.9)
    images = torch.rand(15, 1, IMAGE, IMAGE) * 255
    labels = torch.randint(0, 2, (15,))

    def train_step():
        sgd.zero_grad()
        # The lab's loss: cross-entropy of the softmax output.
        F.nll_loss(torch.log(model(images)), labels).backward()
        sgd.step()

    results.append(timing("W4 x-ray train step b15 256", train_step, runs=train_runs, flops=3 * 15 * forward_flops))


def peak(results):
    a, b = torch.randn(2048, 2048), torch.randn(2048, 2048)
    results.append(timing("peak: float32 MatMul 2048^3", lambda: a @ b, flops=2.0 * 2048 ** 3))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", required=True, help="where to write the JSON")
    parser.add_argument("--train-runs", type=int, default=20, help="timed runs of W4 (default 20)")
    parser.add_argument("--only", help="only workloads whose name contains this text (e.g. W3), as ./labs bench")
    args = parser.parse_args()
    global ONLY
    ONLY = args.only
    torch.set_num_threads(os.cpu_count())
    results = []
    peak(results)
    music_workloads(results)
    xray_workloads(results, args.train_runs)
    machine = f"{cpu_model()}, {os.cpu_count()} cores, {platform.system()}, PyTorch {torch.__version__}"
    results = [r for r in results if r is not None]
    doc = {"machine": machine, "peak_gflops": results[0]["flopsPerRun"] / (results[0]["medianMs"] * 1e6),
           "workloads": results}
    tmp = args.out + ".tmp"
    with open(tmp, "w") as f:
        json.dump(doc, f, indent=2)
    os.replace(tmp, args.out)


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


if __name__ == "__main__":
    main()
