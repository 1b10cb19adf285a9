#!/usr/bin/env python3
# The worked example's one update computed twice, independently of nn-lang: by hand with plain Python floats, and by PyTorch's autograd and torch.optim.SGD.
#
# Reads one JSON document on stdin:
#   {"x": [x1, x2], "y": [y1, y2], "W1": [[...], [...]], "b1": [...], "W2": [[...], [...]], "b2": [...], "rate": r}
# and writes {"hand": {...}, "torch": {...}}, each with "E", "delta_output", "delta_hidden",
# "W1", "b1", "W2", "b2" (after the update), and "hand" also with the forward pass
# ("z_hidden", "h", "z_output", "o"). The network is 2-2-2 with sigmoid units and the loss
# E = 1/2 * sum((o - y)^2), as in the lecture; the biases are updated too.
import json
import math
import sys

import torch


def by_hand(spec):
    x, y, W1, b1, W2, b2, rate = (spec[k] for k in ("x", "y", "W1", "b1", "W2", "b2", "rate"))
    sigma = lambda z: 1.0 / (1.0 + math.exp(-z))
    z_hidden = [W1[j][0] * x[0] + W1[j][1] * x[1] + b1[j] for j in range(2)]
    h = [sigma(z) for z in z_hidden]
    z_output = [W2[j][0] * h[0] + W2[j][1] * h[1] + b2[j] for j in range(2)]
    o = [sigma(z) for z in z_output]
    E = sum(0.5 * (o[j] - y[j]) ** 2 for j in range(2))
    delta_output = [(o[j] - y[j]) * o[j] * (1 - o[j]) for j in range(2)]
    delta_hidden = [(W2[0][j] * delta_output[0] + W2[1][j] * delta_output[1]) * h[j] * (1 - h[j]) for j in range(2)]
    return {
        "z_hidden": z_hidden, "h": h, "z_output": z_output, "o": o, "E": E,
        "delta_output": delta_output, "delta_hidden": delta_hidden,
        "W2": [[W2[j][i] - rate * delta_output[j] * h[i] for i in range(2)] for j in range(2)],
        "b2": [b2[j] - rate * delta_output[j] for j in range(2)],
        "W1": [[W1[j][i] - rate * delta_hidden[j] * x[i] for i in range(2)] for j in range(2)],
        "b1": [b1[j] - rate * delta_hidden[j] for j in range(2)],
    }


def by_torch(spec):
    t = lambda v: torch.tensor(v, dtype=torch.float64, requires_grad=True)
    W1, b1, W2, b2 = t(spec["W1"]), t(spec["b1"]), t(spec["W2"]), t(spec["b2"])
    x = torch.tensor([spec["x"]], dtype=torch.float64)
    y = torch.tensor([spec["y"]], dtype=torch.float64)
    z_hidden = x @ W1.T + b1
    z_hidden.retain_grad()
    z_output = torch.sigmoid(z_hidden) @ W2.T + b2
    z_output.retain_grad()
    E = 0.5 * ((torch.sigmoid(z_output) - y) ** 2).sum()
    optimizer = torch.optim.SGD([W1, b1, W2, b2], lr=spec["rate"])
    optimizer.zero_grad()
    E.backward()
    # δ = ∂E/∂z of each layer.
    delta_output, delta_hidden = z_output.grad[0].tolist(), z_hidden.grad[0].tolist()
    optimizer.step()
    return {
        "E": E.item(), "delta_output": delta_output, "delta_hidden": delta_hidden,
        "W1": W1.detach().tolist(), "b1": b1.detach().tolist(), "W2": W2.detach().tolist(), "b2": b2.detach().tolist(),
    }


if __name__ == "__main__":
    spec = json.load(sys.stdin)
    json.dump({"hand": by_hand(spec), "torch": by_torch(spec)}, sys.stdout)
