// Spec texts several suites use as they are, so a change to the example of docs/language.md §1 is made once.

/** docs/language.md §1: the classic three-layer network, learning XOR (comment line included, so line numbers match). */
export const XOR_EXAMPLE = `# The classic three-layer network, learning XOR.
network xor {
  input 2
  layer hidden 3 sigmoid
  layer output 1 sigmoid
}

data xor_table {
  0 0 -> 0
  0 1 -> 1
  1 0 -> 1
  1 1 -> 0
}

train xor on xor_table {
  loss mse
  optimizer sgd rate 0.5
  epochs 20000
  batch full
  seed 1
  stop when loss < 0.001
}
`;
