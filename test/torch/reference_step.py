#!/usr/bin/env python3
# The PyTorch side of the reference test: N full-batch updates of a fixed network with torch's own losses and optimizers.
#
# Reads one JSON document on stdin:
#   {"layers": [{"weights": [[...]], "biases": [...], "activation": "sigmoid"}, ...],
#    "loss": "mse" | "cross_entropy",
#    "optimizer": {"name": "sgd", "rate": r, "momentum": m} | {"name": "adam", "rate": r, "beta1", "beta2", "epsilon"},
#    "inputs": [[...]], "targets": [[...]], "steps": N,
#    "penalty": {"l1": λ1, "l2": λ2} (optional), "schedule": {"kind": ..., ...} (optional, stepped after every update)}
# and writes {"layers": [{"weights", "biases"}], "losses": [loss before each update], "rates": [rate of each update]}.
# A penalty is put where PyTorch users put it: L2 as weight_decay on a parameter group of the weights
# only (the biases' group has none), L1 as λ1 Σ|W| added to the loss that is differentiated (not to
# the loss reported).
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
    penalty = spec.get("penalty") or {"l1": 0.0, "l2": 0.0}
    groups = [{"params": weights, "weight_decay": penalty["l2"]}, {"params": biases, "weight_decay": 0.0}]
    o = spec["optimizer"]
    if o["name"] == "sgd":
        optimizer = torch.optim.SGD(groups, lr=o["rate"], momentum=o["momentum"])
    else:
        optimizer = torch.optim.Adam(groups, lr=o["rate"], betas=(o["beta1"], o["beta2"]), eps=o["epsilon"])
    schedule = spec.get("schedule")
    scheduler = None
    if schedule and schedule["kind"] == "step":
        scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=schedule["every"], gamma=schedule["factor"])
    elif schedule and schedule["kind"] == "exponential":
        scheduler = torch.optim.lr_scheduler.ExponentialLR(optimizer, gamma=schedule["factor"])
    elif schedule and schedule["kind"] == "cosine":
        scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=spec["steps"], eta_min=schedule["min"])
    elif schedule:
        scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(
            optimizer, factor=schedule["factor"], patience=schedule["patience"], threshold=0.0
        )

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
    rates = []
    for _ in range(spec["steps"]):
        optimizer.zero_grad()
        value = loss()
        total = value + penalty["l1"] * sum(w.abs().sum() for w in weights) if penalty["l1"] else value
        total.backward()
        losses.append(value.item())
        rates.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        if scheduler is not None:
            scheduler.step(value.item()) if schedule["kind"] == "plateau" else scheduler.step()
    json.dump(
        {
            "layers": [{"weights": w.detach().tolist(), "biases": b.detach().tolist()} for w, b in zip(weights, biases)],
            "losses": losses,
            "rates": rates,
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
