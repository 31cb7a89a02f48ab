#!/usr/bin/python3
"""PyTorch baseline for the landscape benchmark (issue 10): how fast the plain per-point loop of Li et al.,
"Visualizing the Loss Landscape of Neural Nets" (their plot_surface.py / net_plotter.py), evaluates a loss plane
for the classic LeNet-5 on MNIST. Not run by the tests.

  model      conv 6@5x5 -> relu -> maxpool 2 -> conv 16@5x5 -> relu -> maxpool 2 -> view(N, -1)
             -> fc 120 -> relu -> fc 84 -> relu -> fc 10 (44,426 parameters; 28x28 input, no padding), seeded default init, eval(), float32
  data       the digits from an .npy file [N, 1, 28, 28] and labels [N] (default: the first 2000 of losscape's
             MNIST order, written by `node bench/dump_mnist.mjs PREFIX 2000`)
  plane      11x11 points theta + a*d1 + b*d2, a, b in linspace(-1, 1, 11); d1, d2 Gaussian and
             filter-normalized as in net_plotter.normalize_directions_for_weights with ignore='biasbn'
             (each output filter / neuron row rescaled to the norm of the matching filter of theta;
             biases get direction 0)
  per point  copy theta + a*d1 + b*d2 into the model's parameters (their set_weights), then one forward pass
             over all N images under torch.no_grad() and cross-entropy (mean)

Prints JSON {ms_per_point, points, total_s, torch_version, threads, runs_ms_per_point, ...}; ms_per_point and
total_s are the median over --runs runs (default 3). One untimed point warms up the allocator first.

Usage: /usr/bin/python3 bench/pytorch_lenet_baseline.py MNIST.x.npy MNIST.y.npy [--runs 3] [--threads 2]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn


class LeNet5(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 4 * 4, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = x.view(x.size(0), -1)
        return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))


def filter_normalized_direction(weights: list[torch.Tensor], gen: torch.Generator) -> list[torch.Tensor]:
    out = []
    for w in weights:
        d = torch.randn(w.shape, generator=gen, dtype=w.dtype)
        if d.dim() <= 1:
            d.zero_()  # ignore='biasbn'
        else:
            for df, wf in zip(d, w):
                df.mul_(wf.norm() / (df.norm() + 1e-10))
        out.append(d)
    return out


def set_weights(net: nn.Module, weights: list[torch.Tensor], d1: list[torch.Tensor], d2: list[torch.Tensor],
                a: float, b: float) -> None:
    for p, w, u, v in zip(net.parameters(), weights, d1, d2):
        p.data = w + u * a + v * b


def eval_loss(net: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    with torch.no_grad():
        return F.cross_entropy(net(x), y).item()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("x_npy")
    ap.add_argument("y_npy")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--side", type=int, default=11)
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    x = torch.from_numpy(np.load(args.x_npy)).to(torch.float32)
    y = torch.from_numpy(np.load(args.y_npy)).to(torch.int64)
    assert x.dim() == 4 and x.shape[1:] == (1, 28, 28) and y.shape == (x.shape[0],), (x.shape, y.shape)

    net = LeNet5().eval()
    weights = [p.data.clone() for p in net.parameters()]
    gen = torch.Generator().manual_seed(1)
    d1 = filter_normalized_direction(weights, gen)
    d2 = filter_normalized_direction(weights, gen)
    axis = np.linspace(-1.0, 1.0, args.side)
    coords = [(float(a), float(b)) for b in axis for a in axis]

    set_weights(net, weights, d1, d2, 0.0, 0.0)
    center = eval_loss(net, x, y)

    runs = []
    for _ in range(args.runs):
        losses = []
        t0 = time.perf_counter()
        for a, b in coords:
            set_weights(net, weights, d1, d2, a, b)
            losses.append(eval_loss(net, x, y))
        runs.append(time.perf_counter() - t0)
    total = statistics.median(runs)
    print(json.dumps({
        "ms_per_point": 1000.0 * total / len(coords),
        "points": len(coords),
        "total_s": total,
        "torch_version": torch.__version__,
        "threads": torch.get_num_threads(),
        "runs_ms_per_point": [1000.0 * t / len(coords) for t in runs],
        "samples": int(x.shape[0]),
        "params": sum(p.numel() for p in net.parameters()),
        "dtype": "float32",
        "loss_at_center": center,
        "loss_range": [min(losses), max(losses)],
    }))


if __name__ == "__main__":
    main()
