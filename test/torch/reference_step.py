#!/usr/bin/env python3
# The PyTorch side of the reference test: N full-batch updates of a fixed network with torch's own losses and optimizers.
#
# Reads one JSON document on stdin:
#   {"layers": [{"weights": [[...]], "biases": [...], "activation": "sigmoid"}, ...],
#    "loss": "mse" | "cross_entropy",
#    "optimizer": {"name": "sgd", "rate": r, "momentum": m} | {"name": "adam", "rate": r, "beta1", "beta2", "epsilon"},
#    "inputs": [[...]], "targets": [[...]], "steps": N}
# and writes {"layers": [{"weights", "biases"}], "losses": [loss before each update]}.
# Everything is float64. The losses use torch's built-ins (F.cross_entropy with class
# probabilities, F.binary_cross_entropy_with_logits), not nn-lang's formulas, so this is an
# independent check of the trainer's derivation, and the optimizers are torch.optim's.
import json
import sys

import torch
import torch.nn.functional as F

ACTIVATIONS = {
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "relu": F.relu,
    "leaky_relu": lambda z: F.leaky_relu(z, 0.01),
    "linear": lambda z: z,
    "softmax": lambda z: torch.softmax(z, dim=1),
}


def main():
    spec = json.load(sys.stdin)
    dtype = torch.float64
    weights = [torch.tensor(layer["weights"], dtype=dtype, requires_grad=True) for layer in spec["layers"]]
    biases = [torch.tensor(layer["biases"], dtype=dtype, requires_grad=True) for layer in spec["layers"]]
    kinds = [layer["activation"] for layer in spec["layers"]]
    x = torch.tensor(spec["inputs"], dtype=dtype)
    y = torch.tensor(spec["targets"], dtype=dtype)
    rows = x.shape[0]
    parameters = [p for pair in zip(weights, biases) for p in pair]
    o = spec["optimizer"]
    if o["name"] == "sgd":
        optimizer = torch.optim.SGD(parameters, lr=o["rate"], momentum=o["momentum"])
    else:
        optimizer = torch.optim.Adam(parameters, lr=o["rate"], betas=(o["beta1"], o["beta2"]), eps=o["epsilon"])

    def loss():
        a = x
        for k, (w, b, kind) in enumerate(zip(weights, biases, kinds)):
            z = a @ w.T + b
            if k < len(kinds) - 1 or spec["loss"] == "mse":
                a = ACTIVATIONS[kind](z)
        if spec["loss"] == "mse":
            # 1/2 sum over outputs, mean over samples: F.mse_loss averages over outputs too, so rescale.
            return 0.5 * F.mse_loss(a, y, reduction="sum") / rows
        if kinds[-1] == "softmax":
            return F.cross_entropy(z, y)  # class-probability targets, mean over samples
        if kinds[-1] == "sigmoid":
            return F.binary_cross_entropy_with_logits(z, y, reduction="sum") / rows
        raise ValueError("cross_entropy needs a softmax or sigmoid output here")

    losses = []
    for _ in range(spec["steps"]):
        optimizer.zero_grad()
        value = loss()
        value.backward()
        losses.append(value.item())
        optimizer.step()
    json.dump(
        {
            "layers": [{"weights": w.detach().tolist(), "biases": b.detach().tolist()} for w, b in zip(weights, biases)],
            "losses": losses,
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
