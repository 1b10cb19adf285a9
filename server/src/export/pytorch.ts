// `nn export --format pytorch`: a standalone Python 3 script that rebuilds a trained run in PyTorch (docs/cli.md "The PyTorch script").
//
// The script carries the network, the trained weights and the run's training part as the
// trainer held it (normalized, one-hot, validation rows left out), and reproduces the
// spec's loss definitions (docs/language.md §4.9) with the same numerically stable formulas as
// server/src/nn/losses.ts, so its loss equals the trainer's `finalLoss` to rounding.
// Small arrays are written as Python literals, so a reader can see them; large ones as
// base64 of little-endian float64, which is exact and keeps the file a sane size.

import type { RunSpec } from '../language/model';
import { LEAKY_RELU_SLOPE } from '../nn/activations';
import type { TrainResult } from '../nn/types';
import { littleEndian } from './bytes';
import { exportDocument } from './json';

/** The training part as the trainer holds it (Trainer.trainingPart()), and its validation part when it holds rows out. */
export interface TrainingPart {
  inputs: Float64Array;
  targets: Float64Array;
  validation?: { inputs: Float64Array; targets: Float64Array };
}

/** Arrays with more numbers than this are embedded as base64 instead of literals. */
export const LITERAL_LIMIT = 4096;

/** Where the spec came from, for the script's header comment. */
export interface ScriptOrigin {
  /** The spec's path as the user gave it. */
  specPath: string;
  /** The script's own file name, for its usage lines ("SCRIPT" when unknown). */
  scriptName?: string;
}

/** The whole script. Throws ExportError for a diverged run (see json.ts). */
export function pytorchScript(run: RunSpec, result: TrainResult, part: TrainingPart, origin: ScriptOrigin): string {
  const doc = exportDocument(run, result);
  const rows = result.trainRows;
  const inputWidth = run.network.input;
  const outputWidth = run.network.layers[run.network.layers.length - 1].units;
  if (part.inputs.length !== rows * inputWidth || part.targets.length !== rows * outputWidth) {
    throw new RangeError(`the training part holds ${part.inputs.length / inputWidth} rows, the result says ${rows}`);
  }
  const optimizer = run.settings.optimizer;
  const optimizerLiteral =
    optimizer.kind === 'sgd'
      ? `{"name": "sgd", "rate": ${num(optimizer.rate)}, "momentum": ${num(optimizer.momentum)}}`
      : `{"name": "adam", "rate": ${num(optimizer.rate)}, "beta1": ${num(optimizer.beta1)}, "beta2": ${num(optimizer.beta2)}, "epsilon": ${num(optimizer.epsilon)}}`;
  const layers = doc.layers
    .map((layer, k) => {
      const inputs = k === 0 ? inputWidth : doc.layers[k - 1].units;
      return [
        `    {`,
        `        "name": ${str(layer.name)}, "units": ${layer.units}, "inputs": ${inputs}, "activation": ${str(layer.activation)},`,
        `        # weights[j][i] = W_ji: row j is unit j of this layer, column i is unit i of the layer before.`,
        `        "weights": ${matrix(layer.weights.flat(), layer.units, inputs, '        ')},`,
        `        "biases": ${vector(layer.biases)},`,
        `        "dropout": ${num(layer.dropout ?? 0)},`,
        `    },`,
      ].join('\n');
    })
    .join('\n');
  // The held-out rows go in only where --train watches their loss: patience and the plateau schedule (docs/language.md §7.4).
  const watchesValidation = part.validation !== undefined && (run.settings.patience != null || run.settings.schedule?.kind === 'plateau');
  const validation =
    result.validationRows > 0
      ? watchesValidation
        ? `; the ${result.validationRows} rows held out for validation are VALIDATION_INPUTS below`
        : `; ${result.validationRows} rows held out for validation are not included`
      : '';
  const validationRows = watchesValidation && part.validation ? part.validation.inputs.length / inputWidth : 0;
  const normalization = doc.normalization
    ? `inputs normalized (${doc.normalization.kind}, fitted on these rows) as the trainer saw them`
    : 'inputs as written in the spec (no normalization)';
  const self = origin.scriptName ?? 'SCRIPT';
  const pad = (text: string) => text.padEnd(8);
  const header = [
    `#!/usr/bin/env python3`,
    `# Network "${oneLine(doc.network)}" trained on "${oneLine(doc.training.data)}": run ${run.index} of ${oneLine(origin.specPath)}, exported by nn-lang.`,
    `#`,
    `# Needs only PyTorch. The trained weights and the run's training part are embedded below.`,
    `#`,
    `#   python3 ${self}`,
    `${pad('#')}prints {"loss": L}: the mean training loss of these weights`,
    `${pad('#')}(the nn trainer's finalLoss, up to rounding)`,
    `#   python3 ${self} --train EPOCHS`,
    `${pad('#')}goes on training with the spec's optimizer, batch and loss,`,
    `${pad('#')}printing {"epoch": e, "loss": L} per epoch`,
    `#   python3 ${self} --train EPOCHS --workers K`,
    `${pad('#')}the same, data-parallel (DistributedDataParallel, gloo, CPU)`,
    `${pad('#')}over K processes it starts itself`,
    `#   torchrun --standalone --nproc_per_node K --redirects 1 --tee 1 ${self} --train EPOCHS`,
    `${pad('#')}the same under torchrun (torch 1.13's torchrun needs the two flags)`,
    ...(run.settings.patience != null
      ? [
          `${pad('#')}(with patience ${run.settings.patience}: until the watched loss stops improving, back to the`,
          `${pad('#')}best epoch's weights, then {"stopped": …, "bestEpoch": …})`,
        ]
      : []),
    `#   add --save PATH to write the trained state_dict with torch.save.`,
    `#   add --weights FILE.safetensors to start from the weights of that file`,
    `${pad('#')}(nn export --format safetensors) instead of the embedded ones.`,
    `#`,
    `# prepare(row) turns a raw row (RAW_COLUMNS as the data file writes them: numbers,`,
    `# the words of encoded columns, "" or NA for a missing value) into the network's inputs,`,
    `# as the spec does: model(torch.tensor([prepare(row)], dtype=DTYPE)) is its prediction.`,
  ].join('\n');

  return `${header}

import argparse
import base64
import copy
import json
import math
import os
import socket
import struct
import sys

import torch
import torch.distributed as dist
import torch.multiprocessing as mp
import torch.nn.functional as F
from torch import nn
from torch.nn.parallel import DistributedDataParallel

# ---- the run, as the spec and the trainer defined it --------------------------------------


def _little_endian(raw, dtype):
    """A 1-D tensor of the little-endian floats in the bytes raw."""
    values = torch.frombuffer(bytearray(raw), dtype=dtype)
    if sys.byteorder == "big":
        values = values.view(torch.uint8).view(-1, values.element_size()).flip(1).reshape(-1).view(dtype)
    return values


def _decode(text, rows, columns):
    """Base64 of little-endian float64 values, as nn-lang embeds large arrays (exact, compact)."""
    values = _little_endian(base64.b64decode(text), torch.float64)
    return values.reshape(rows, columns).tolist() if columns else values.tolist()


DTYPE = torch.${run.settings.precision === 'f32' ? 'float32' : 'float64'}  # precision ${run.settings.precision}
LOSS = ${str(run.settings.loss)}
OPTIMIZER = ${optimizerLiteral}
BATCH = ${run.settings.batch === 'full' ? 'None  # full: the whole training part per update' : String(run.settings.batch)}
SEED = ${run.settings.seed}
EPOCHS_TRAINED = ${doc.training.epochs}
FINAL_LOSS = ${num(doc.training.finalLoss)}  # the nn trainer's loss of these weights on the data below
INPUT_NAMES = ${pyValue(doc.inputs)}
CLASSES = ${pyValue(doc.classes)}
NORMALIZATION = ${pyValue(doc.normalization)}
# The data file's columns the inputs come from, in order; an encoded column gives one input per category.
RAW_COLUMNS = ${pyValue(rawColumns(doc))}
ENCODING = ${pyValue(Object.fromEntries((doc.encoding ?? []).map((e) => [e.column, e.categories])))}
MISSING_FILL = ${pyValue(doc.missing?.fill ?? null)}  # missing mean: what a missing input becomes, before normalization
MISSING_WORDS = ["", "NA", "N/A", "NAN", "NULL", "?"]

# docs/language.md section 7: a penalty on the weights (never the biases), a learning-rate schedule stepped once per
# epoch, and patience, each None when the run has none. --train restarts the schedule from the spec's rate.
REGULARIZE = ${pyValue(run.settings.regularization ?? null)}
SCHEDULE = ${pyValue(run.settings.schedule ?? null)}
PATIENCE = ${pyValue(run.settings.patience ?? null)}

LAYERS = [
${layers}
]

# The training part: ${rows} rows, ${normalization}${validation}.
INPUTS = ${matrix(part.inputs, rows, inputWidth, '')}
TARGETS = ${matrix(part.targets, rows, outputWidth, '')}
VALIDATION_INPUTS = ${validationRows > 0 && part.validation ? matrix(part.validation.inputs, validationRows, inputWidth, '') : 'None'}
VALIDATION_TARGETS = ${validationRows > 0 && part.validation ? matrix(part.validation.targets, validationRows, outputWidth, '') : 'None'}

# ---- the network ----------------------------------------------------------------------------


def activate(kind, z):
    if kind == "sigmoid":
        return torch.sigmoid(z)
    if kind == "tanh":
        return torch.tanh(z)
    if kind == "relu":
        return F.relu(z)
    if kind == "leaky_relu":
        return F.leaky_relu(z, ${LEAKY_RELU_SLOPE})
    if kind == "linear":
        return z
    if kind == "softmax":
        return torch.softmax(z, dim=1)
    raise ValueError("unknown activation " + kind)


class Network(nn.Module):
    """z(k) = W(k) a(k-1) + b(k), a(k) = act(z(k)) for every layer, as in the spec; in training, a hidden layer with
    dropout zeroes each output with its probability and scales the rest by 1/(1 - p) (nn.Dropout, inverted dropout)."""

    def __init__(self, layers):
        super().__init__()
        self.layers = nn.ModuleList(nn.Linear(layer["inputs"], layer["units"], dtype=DTYPE) for layer in layers)
        self.kinds = [layer["activation"] for layer in layers]
        self.dropouts = nn.ModuleList(nn.Dropout(layer["dropout"]) if layer["dropout"] > 0 else nn.Identity() for layer in layers)
        with torch.no_grad():
            for linear, layer in zip(self.layers, layers):
                linear.weight.copy_(torch.tensor(layer["weights"], dtype=DTYPE))
                linear.bias.copy_(torch.tensor(layer["biases"], dtype=DTYPE))

    def forward(self, x, logits=False):
        """The output y-hat, or with logits=True the last layer's z (the losses need it to stay finite)."""
        for k, (linear, kind, dropout) in enumerate(zip(self.layers, self.kinds, self.dropouts)):
            z = linear(x)
            if logits and k == len(self.layers) - 1:
                return z
            x = dropout(activate(kind, z))
        return x


def sample_losses(z, y):
    """Each sample's loss from the last layer's z, with the spec's definitions (docs/language.md section 4.9)."""
    kind = LAYERS[-1]["activation"]
    if LOSS == "mse":
        # L = 1/2 sum_l (y-hat_l - y_l)^2
        return 0.5 * ((activate(kind, z) - y) ** 2).sum(dim=1)
    if kind == "softmax":
        # L = -sum_l y_l log softmax(z)_l
        return -(y * F.log_softmax(z, dim=1)).sum(dim=1)
    if kind == "sigmoid":
        # L = sum_l softplus(z_l) - y_l z_l (binary cross-entropy), softplus(z) = max(z, 0) + log1p(e^-|z|);
        # written with where() so the gradient is exactly sigmoid(z) - y, also at z = 0.
        positive = z > 0
        softplus = torch.where(positive, z, torch.zeros_like(z)) + torch.log1p(torch.exp(torch.where(positive, -z, z)))
        return (softplus - y * z).sum(dim=1)
    # L = -sum_l y_l log y-hat_l, with y-hat floored at 1e-12
    return -(y * torch.log(torch.clamp(activate(kind, z), min=1e-12))).sum(dim=1)


def read_safetensors(path):
    """The tensors of a safetensors file, read with json and struct alone. The format: an 8-byte
    little-endian header length N, N bytes of JSON (each tensor's dtype, shape and [begin, end) byte
    offsets into the data that follows), then the data."""
    with open(path, "rb") as f:
        blob = f.read()
    if len(blob) < 8:
        sys.exit(f"{path}: {len(blob)} bytes is too short for a safetensors file")
    (length,) = struct.unpack("<Q", blob[:8])
    if length > len(blob) - 8:
        sys.exit(f"{path}: the header length says {length} bytes, but only {len(blob) - 8} follow (truncated?)")
    header = json.loads(blob[8 : 8 + length].decode("utf-8"))
    data = blob[8 + length :]
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        dtype = {"F64": torch.float64, "F32": torch.float32}.get(entry["dtype"])
        if dtype is None:
            sys.exit(f"{path}: {name} is {entry['dtype']}; the weights must be F64 or F32")
        begin, end = entry["data_offsets"]
        count = 1
        for n in entry["shape"]:
            count *= n
        if not 0 <= begin <= end <= len(data) or end - begin != count * (8 if dtype == torch.float64 else 4):
            sys.exit(f"{path}: the data_offsets of {name} do not fit its shape or the file (truncated?)")
        tensors[name] = _little_endian(data[begin:end], dtype).reshape(entry["shape"])
    return tensors


def load_weights(network, path):
    """Puts the layers.K.weight / layers.K.bias tensors of a safetensors file into the network (names and shapes checked)."""
    tensors = read_safetensors(path)
    wanted = network.state_dict()
    for name, parameter in wanted.items():
        if name not in tensors:
            sys.exit(f"{path}: there is no tensor {name}; the network needs {list(parameter.shape)}")
        if list(tensors[name].shape) != list(parameter.shape):
            sys.exit(f"{path}: {name} is {list(tensors[name].shape)}, the network needs {list(parameter.shape)}")
    extra = sorted(set(tensors) - set(wanted))
    if extra:
        sys.exit(f"{path}: the network has no parameter {extra[0]}")
    network.load_state_dict({name: tensors[name].to(DTYPE) for name in wanted})


def make_network(weights=None):
    """The network with the embedded weights, or with those of a safetensors file."""
    network = Network(LAYERS)
    if weights:
        load_weights(network, weights)
    return network


def make_optimizer(network):
    """The spec's optimizer, the weights and the biases in parameter groups of their own: an L2 penalty is the weights'
    weight_decay (the gradient gains l2 w), the biases have none. For sgd with momentum the spec writes v <- mu v - rate g,
    W <- W + v; torch's SGD keeps u <- mu u + g, W <- W - rate u. These are the same (v = -rate u): nn rescales v by
    new rate / old rate whenever a schedule changes the rate, so the two follow one trajectory."""
    decay = REGULARIZE["l2"] if REGULARIZE else 0.0
    groups = [
        {"params": [linear.weight for linear in network.layers], "weight_decay": decay},
        {"params": [linear.bias for linear in network.layers], "weight_decay": 0.0},
    ]
    if OPTIMIZER["name"] == "sgd":
        return torch.optim.SGD(groups, lr=OPTIMIZER["rate"], momentum=OPTIMIZER["momentum"])
    return torch.optim.Adam(groups, lr=OPTIMIZER["rate"], betas=(OPTIMIZER["beta1"], OPTIMIZER["beta2"]), eps=OPTIMIZER["epsilon"])


def make_scheduler(optimizer, epochs):
    """The spec's schedule as PyTorch's scheduler, stepped once per epoch; cosine over this run's epochs."""
    if SCHEDULE is None:
        return None
    kind = SCHEDULE["kind"]
    if kind == "step":
        return torch.optim.lr_scheduler.StepLR(optimizer, step_size=SCHEDULE["every"], gamma=SCHEDULE["factor"])
    if kind == "exponential":
        return torch.optim.lr_scheduler.ExponentialLR(optimizer, gamma=SCHEDULE["factor"])
    if kind == "cosine":
        return torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=max(epochs, 1), eta_min=SCHEDULE["min"])
    # The watched loss must be strictly lower than the best so far: mode min, threshold 0.
    return torch.optim.lr_scheduler.ReduceLROnPlateau(
        optimizer, mode="min", factor=SCHEDULE["factor"], patience=SCHEDULE["patience"], threshold=0.0
    )


def prepare(row):
    \"\"\"The network's inputs for one raw row (the values of RAW_COLUMNS), as the spec reads a data file:
    an encoded column's word becomes 1 for its category and 0 for the others (a word not seen in
    training: all 0), a missing value (None, "", NA, N/A, NaN, null or ?) becomes MISSING_FILL's
    value, and NORMALIZATION is applied.\"\"\"
    if len(row) != len(RAW_COLUMNS):
        raise ValueError(f"a row has {len(RAW_COLUMNS)} values ({', '.join(RAW_COLUMNS)}), not {len(row)}")
    x = []
    for column, value in zip(RAW_COLUMNS, row):
        text = "" if value is None else str(value).strip()
        missing = text.upper() in MISSING_WORDS
        categories = ENCODING.get(column)
        if categories is not None:
            x.extend([float("nan")] * len(categories) if missing else [1.0 if text == c else 0.0 for c in categories])
        else:
            x.append(float("nan") if missing else float(text))
    if MISSING_FILL is not None:
        x = [MISSING_FILL[i] if v != v else v for i, v in enumerate(x)]
    if NORMALIZATION is not None:
        x = [(v - o) / s for v, o, s in zip(x, NORMALIZATION["offset"], NORMALIZATION["scale"])]
    return x


def l1_penalty(network):
    """l1 times the sum of |W| over every layer's weights: added to the loss that is differentiated (its gradient
    l1 sign(W), 0 at 0), never to the loss reported."""
    return REGULARIZE["l1"] * sum(linear.weight.abs().sum() for linear in network.layers)


def data():
    return torch.tensor(INPUTS, dtype=DTYPE).reshape(-1, LAYERS[0]["inputs"]), torch.tensor(TARGETS, dtype=DTYPE).reshape(
        -1, LAYERS[-1]["units"]
    )


def validation_data():
    """The held-out rows that patience and the plateau schedule watch, or (None, None) when they watch the training loss."""
    if VALIDATION_INPUTS is None:
        return None, None
    return torch.tensor(VALIDATION_INPUTS, dtype=DTYPE).reshape(-1, LAYERS[0]["inputs"]), torch.tensor(
        VALIDATION_TARGETS, dtype=DTYPE
    ).reshape(-1, LAYERS[-1]["units"])


# ---- what the script does -------------------------------------------------------------------


def mean_loss(model, x, y):
    """The mean loss of the model's weights on rows, evaluated as nn evaluates: never dropping."""
    model.eval()
    with torch.no_grad():
        return sample_losses(model(x, logits=True), y).mean().item()


def train(epochs, rank=0, world=1, save=None, weights=None):
    """Mini-batch training as the nn trainer does it: shuffled every epoch (not with batch full), a last
    smaller batch kept, the epoch's loss the mean of every sample's loss in its batch's forward pass.
    With several processes each takes every world-th sample of a batch; its loss is scaled so that
    DDP's average of the gradients is exactly the gradient of the whole batch. After each epoch the schedule steps
    and patience watches the loss (the held-out rows', when the run holds some out), as the nn trainer does; with
    patience, training ends N epochs after the best one and goes back to that epoch's weights."""
    x, y = data()
    validation_x, validation_y = validation_data()
    rows = x.shape[0]
    batch = rows if BATCH is None else min(BATCH, rows)
    network = make_network(weights)
    model = DistributedDataParallel(network) if world > 1 else network
    optimizer = make_optimizer(network)
    scheduler = make_scheduler(optimizer, epochs)
    order_generator = torch.Generator().manual_seed(SEED)
    best, best_epoch, best_state, stopped, epoch = math.inf, 0, None, "epochs", 0
    while epoch < epochs:
        epoch += 1
        rate = optimizer.param_groups[0]["lr"]
        model.train()
        order = torch.randperm(rows, generator=order_generator) if batch < rows else torch.arange(rows)
        total = torch.zeros((), dtype=torch.float64)
        for start in range(0, rows, batch):
            indices = order[start : start + batch]
            mine = indices[rank::world]
            losses = sample_losses(model(x[mine], logits=True), y[mine])
            optimizer.zero_grad()
            objective = losses.sum() * (world / len(indices))
            if REGULARIZE and REGULARIZE["l1"]:
                objective = objective + l1_penalty(network)
            objective.backward()
            optimizer.step()
            total += losses.detach().sum().to(torch.float64)
        if world > 1:
            dist.all_reduce(total)
        report = {"epoch": epoch, "loss": total.item() / rows}
        watched = report["loss"]
        if validation_x is not None:
            watched = report["validationLoss"] = mean_loss(network, validation_x, validation_y)
        if SCHEDULE is not None:
            report["rate"] = rate
        if rank == 0:
            print(json.dumps(report), flush=True)
        if PATIENCE is not None:
            if watched < best:
                best, best_epoch, best_state = watched, epoch, copy.deepcopy(network.state_dict())
            elif epoch - best_epoch >= PATIENCE:
                stopped = "patience"
                break
        if scheduler is not None:
            scheduler.step(watched) if SCHEDULE["kind"] == "plateau" else scheduler.step()
    if PATIENCE is not None:
        if best_state is not None and best_epoch != epoch:
            network.load_state_dict(best_state)
        if rank == 0:
            print(json.dumps({"stopped": stopped, "bestEpoch": best_epoch}), flush=True)
    if save and rank == 0:
        torch.save(network.state_dict(), save)


def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _worker(rank, world, epochs, save, weights):
    dist.init_process_group("gloo", rank=rank, world_size=world)
    torch.set_num_threads(1)  # K processes share the machine's cores
    try:
        train(epochs, rank, world, save, weights)
    finally:
        dist.destroy_process_group()


def main():
    parser = argparse.ArgumentParser(description=__doc__ or "nn-lang export")
    parser.add_argument("--train", type=int, metavar="EPOCHS", help="go on training for EPOCHS epochs")
    parser.add_argument("--workers", type=int, default=1, metavar="K", help="data-parallel over K processes (with --train)")
    parser.add_argument("--save", metavar="PATH", help="write the trained state_dict here (with --train)")
    parser.add_argument("--weights", metavar="FILE", help="start from the weights of this safetensors file (nn export --format safetensors)")
    args = parser.parse_args()
    if args.workers < 1 or (args.train is not None and args.train < 0):
        parser.error("--workers and --train take a positive number")
    if "RANK" in os.environ and "WORLD_SIZE" in os.environ:
        # Started by torchrun: it has set MASTER_ADDR, MASTER_PORT, RANK and WORLD_SIZE.
        rank, world = int(os.environ["RANK"]), int(os.environ["WORLD_SIZE"])
        dist.init_process_group("gloo")
        torch.set_num_threads(1)
        try:
            if args.train is None:
                if rank == 0:
                    print(json.dumps({"loss": mean_loss(make_network(args.weights), *data())}), flush=True)
            else:
                train(args.train, rank, world, args.save, args.weights)
        finally:
            dist.destroy_process_group()
        return
    if args.train is None:
        if args.workers != 1:
            parser.error("--workers needs --train")
        print(json.dumps({"loss": mean_loss(make_network(args.weights), *data())}), flush=True)
    elif args.workers == 1:
        train(args.train, save=args.save, weights=args.weights)
    else:
        os.environ["MASTER_ADDR"] = "127.0.0.1"
        os.environ["MASTER_PORT"] = str(_free_port())
        mp.spawn(_worker, args=(args.workers, args.train, args.save, args.weights), nprocs=args.workers, join=True)


if __name__ == "__main__":
    main()
`;
}

/** The data file's columns the network's inputs come from: an encoded column once, in place of its categories' inputs. */
function rawColumns(doc: ReturnType<typeof exportDocument>): string[] {
  const columns: string[] = [];
  for (let i = 0; i < doc.inputs.length; i++) {
    const encoded = doc.encoding?.find((e) => e.first === i);
    if (encoded === undefined) {
      columns.push(doc.inputs[i]);
      continue;
    }
    columns.push(encoded.column);
    i += encoded.categories.length - 1;
  }
  return columns;
}

// ---- Python literals ----------------------------------------------------------------------

/** A finite double as Python reads it back to the same bits (JavaScript's shortest round-trip form). */
function num(x: number): string {
  if (!Number.isFinite(x)) throw new RangeError(`cannot export the non-finite number ${x}`);
  if (Object.is(x, -0)) return '-0.0';
  return String(x);
}

function str(s: string): string {
  // A JSON string literal is a valid Python string literal.
  return JSON.stringify(s);
}

function oneLine(s: string): string {
  return s.replace(/[\r\n]+/g, ' ');
}

function pyValue(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return num(value);
  if (typeof value === 'string') return str(value);
  if (Array.isArray(value)) return `[${value.map(pyValue).join(', ')}]`;
  return `{${Object.entries(value as Record<string, unknown>).map(([k, v]) => `${str(k)}: ${pyValue(v)}`).join(', ')}}`;
}

function base64(values: ArrayLike<number>): string {
  return Buffer.from(littleEndian(values, 'f64')).toString('base64');
}

function vector(values: ArrayLike<number>): string {
  if (values.length > LITERAL_LIMIT) return `_decode("${base64(values)}", ${values.length}, 0)`;
  return `[${Array.from(values, num).join(', ')}]`;
}

/** A rows × columns row-major matrix: one Python list per row, or base64 when large. */
function matrix(values: ArrayLike<number>, rows: number, columns: number, indent: string): string {
  if (values.length > LITERAL_LIMIT) return `_decode("${base64(values)}", ${rows}, ${columns})`;
  if (rows === 0) return '[]';
  const lines: string[] = [];
  for (let r = 0; r < rows; r++) {
    const row: string[] = [];
    for (let c = 0; c < columns; c++) row.push(num(values[r * columns + c]));
    lines.push(`${indent}    [${row.join(', ')}],`);
  }
  return `[\n${lines.join('\n')}\n${indent}]`;
}
