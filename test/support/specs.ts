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
