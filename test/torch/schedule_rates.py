#!/usr/bin/env python3
# The PyTorch side of the schedules test: the learning rate of every epoch under torch.optim.lr_scheduler, step() once per epoch.
#
# Reads one JSON document on stdin:
#   {"rate": r, "epochs": E, "schedule": {"kind": "step"|"exponential"|"cosine"|"plateau", ...},
#    "monitored": [loss of epoch 1, ...]}   (plateau only: the loss it is stepped with after each epoch)
# and writes the list of E rates, the one each epoch trained at.
import json
import sys

import torch


def main():
    spec = json.load(sys.stdin)
    parameter = torch.zeros(1, requires_grad=True)
    optimizer = torch.optim.SGD([parameter], lr=spec["rate"], momentum=0.9)
    s = spec["schedule"]
    if s["kind"] == "step":
        scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=s["every"], gamma=s["factor"])
    elif s["kind"] == "exponential":
        scheduler = torch.optim.lr_scheduler.ExponentialLR(optimizer, gamma=s["factor"])
    elif s["kind"] == "cosine":
        scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=spec["epochs"], eta_min=s["min"])
    else:
        scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(
            optimizer, mode="min", factor=s["factor"], patience=s["patience"], threshold=0.0, cooldown=0, min_lr=0.0
        )
    rates = []
    for epoch in range(spec["epochs"]):
        rates.append(optimizer.param_groups[0]["lr"])
        optimizer.step()  # as a training epoch would, before the scheduler's step
        if s["kind"] == "plateau":
            scheduler.step(spec["monitored"][epoch])
        else:
            scheduler.step()
    json.dump(rates, sys.stdout)


if __name__ == "__main__":
    main()
