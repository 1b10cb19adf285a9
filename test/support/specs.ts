// Spec texts several suites use as they are, so a change to the example of docs/language.md §1 is made once.

/** XOR's network: two inputs, three sigmoid hidden units, one sigmoid output. */
export const XOR_NETWORK = `network xor {
  input 2
  layer hidden 3 sigmoid
  layer output 1 sigmoid
}
`;

/** XOR's truth table as the data set `xor_table`. */
export const XOR_TABLE = `data xor_table {
  0 0 -> 0
  0 1 -> 1
  1 0 -> 1
  1 1 -> 0
}
`;

/** XOR learned in a few hundred epochs (momentum 0.9, seed 1), its target loss < 0.001 reached. */
export const XOR_LEARNED = `${XOR_NETWORK}
${XOR_TABLE}
train xor on xor_table {
  optimizer sgd rate 0.5 momentum 0.9
  epochs 5000
  seed 1
  stop when loss < 0.001
}
`;

/** docs/language.md §1: the classic three-layer network, learning XOR (comment line included, so line numbers match). */
export const XOR_EXAMPLE = `# The classic three-layer network, learning XOR.
${XOR_NETWORK}
${XOR_TABLE}
train xor on xor_table {
  loss mse
  optimizer sgd rate 0.5
  epochs 20000
  batch full
  seed 1
  stop when loss < 0.001
}
`;

/** A two-input run with a decision boundary to draw: the report's and the panel's picture. */
export const RING_EXAMPLE = `# a ring of points
network ring {
  input 2
  layer hidden 6 tanh
  layer out 1 sigmoid
}

data rings = circle(samples 120, noise 0.05, seed 2)

train ring on rings {
  optimizer sgd rate 1
  epochs 300
  seed 1
  validate 20%
}
`;

/** Regression with zscore-normalized inputs, sgd with momentum, mini-batches of 2. */
export const REGRESSION = `network fit {
  input 2
  layer 4 tanh
  layer 1 linear
}

data points {
  normalize zscore
  1 10 -> 0.5
  2 30 -> 0.9
  3 20 -> 1.4
  4 50 -> 2.2
  5 40 -> 2.4
  6 60 -> 3.1
}

train fit on points {
  optimizer sgd rate 0.05 momentum 0.9
  epochs 200
  batch 2
  seed 7
}
`;

/** Three word-valued classes in a CSV with a quoted-looking header name ("petal length"), for FLOWERS. */
export const FLOWERS_CSV = `sepal_length,sepal_width,petal length,species
5.1,3.5,1.4,setosa
4.9,3.0,1.4,setosa
7.0,3.2,4.7,versicolor
6.4,3.2,4.5,versicolor
6.3,3.3,6.0,virginica
5.8,2.7,5.1,virginica
5.0,3.4,1.5,setosa
6.9,3.1,4.9,versicolor
7.1,3.0,5.9,virginica
5.4,3.9,1.7,setosa
5.5,2.3,4.0,versicolor
6.5,3.0,5.8,virginica
`;

/** FLOWERS_CSV (as flowers.csv) one-hot: relu → softmax, cross-entropy, minmax, adam, 20% held out. */
export const FLOWERS = `network flower {
  input 3
  layer hidden 5 relu
  layer out 3 softmax
}

data flowers from "flowers.csv" {
  target species onehot
  normalize minmax
}

train flower on flowers {
  loss cross_entropy
  optimizer adam rate 0.01
  epochs 150
  batch 3
  validate 20%
  seed 3
}
`;

/** Logical AND: leaky_relu → one sigmoid, binary cross-entropy. */
export const AND_GATE = `network gate {
  input 2
  layer 2 leaky_relu
  layer 1 sigmoid
}

data and_table {
  0 0 -> 0
  0 1 -> 0
  1 0 -> 0
  1 1 -> 1
}

train gate on and_table {
  loss cross_entropy
  optimizer sgd rate 0.3
  epochs 300
}
`;

/**
 * A relu layer at sgd rate 3 on the circle: some of its 12 units die in the first big steps and
 * never come back (a dead-ReLU warning on line 3, docs/editor.md "Training health"); at rate 0.3
 * none do.
 */
export const DEAD_RELU = `network ring {
  input 2
  layer hidden 12 relu
  layer inside 1 sigmoid
}

data disc = circle(samples 200, noise 0.05, seed 2)

train ring on disc {
  loss cross_entropy
  optimizer sgd rate 3
  epochs 500
  seed 2
  stop when loss < 0.05
}
`;

/** The spec with `precision f32` added to its first train block. */
export function inF32(spec: string): string {
  return spec.replace(/^(train .*\{\n)/m, '$1  precision f32\n');
}

/** The spec's last train block again, at precision f32 (a second run). */
export function withF32Run(spec: string): string {
  const last = spec.slice(spec.lastIndexOf('\ntrain ') + 1);
  return `${spec}\n${inF32(last)}`;
}

/** Four layers, one of each elementwise activation but relu: linear → leaky_relu → tanh → sigmoid, zscore, mse. */
export const DEEP = `network deep {
  input 3
  layer wide 6 linear
  layer kinked 4 leaky_relu
  layer squashed 3 tanh
  layer out 2 sigmoid
}

data table {
  normalize zscore
  1 200 -3 -> 0 1
  2 150 -1 -> 0 1
  3 120 0 -> 1 0
  4 90 2 -> 1 0
  5 60 3 -> 1 1
  6 20 5 -> 0 0
}

train deep on table {
  optimizer sgd rate 0.1
  epochs 200
  seed 2
}
`;

/** Houses with a word-valued column (district) and missing values (docs/language.md §7.6). */
export const HOUSES_CSV = `area,district,rooms,price
52,north,2,210
75,south,3,260
NA,north,2,200
110,east,4,390
64,south,,240
88,east,3,330
47,north,1,185
95,south,4,
71,?,3,270
120,east,5,420
58,north,2,215
83,south,3,300
`;

export const HOUSES = `network price {
  input 5
  layer hidden 4 tanh
  layer out 1 linear
}

data houses from "houses.csv" {
  inputs area district rooms
  target price
  encode district onehot
  missing mean
  normalize zscore
}

train price on houses {
  optimizer adam rate 0.05
  epochs 300
  batch 4
  validate 20%
  seed 3
}
`;

/** XOR's network and table with `count` train blocks, each a run of its own (seeds 1, 2, …), of `epochs` epochs. */
export function manyXorRuns(count: number, epochs: number): string {
  const blocks = Array.from({ length: count }, (_, i) => `train xor on xor_table {\n  optimizer sgd rate 0.5\n  epochs ${epochs}\n  seed ${i + 1}\n}\n`);
  return `${XOR_NETWORK}\n${XOR_TABLE}\n${blocks.join('\n')}`;
}

/**
 * A run whose loss never improves after its first epoch (docs/language.md §7.4): zero output weights give
 * ŷ = σ(0) = 0.5 for every row, every target is 0.5, so no gradient reaches the output. `train` is the body
 * of its train block; `hidden` the rest of its hidden layer's line.
 */
export function neverImproves(train: string, hidden = '3 tanh init zeros'): string {
  return `network n {
  input 1
  layer ${hidden}
  layer out 1 sigmoid init zeros
}

data flat {
  0 -> 0.5
  1 -> 0.5
  0.5 -> 0.5
  0.25 -> 0.5
}

train n on flat {
${train}}
`;
}

/** XOR with three tanh hidden units, on `xor_table`, its train block's body `body` (the lsp views' tests: lenses, hovers). */
export function xorTanh(body: string): string {
  return `network xor {
  input 2
  layer hidden 3 tanh
  layer out 1 sigmoid
}

${XOR_TABLE}
train xor on xor_table {
${body}}
`;
}
