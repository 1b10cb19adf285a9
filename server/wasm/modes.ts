// The epilogues of a product (kernels.ts): what happens to each finished sum. The numbers are Epilogue's in server/src/nn/kernels/reference.ts.
// A module of its own so that the entry file, kernels.ts, exports functions only.

export const STORE: i32 = 0;
export const ADD: i32 = 1;
export const BIAS: i32 = 2;
export const BIAS_RELU: i32 = 3;
export const BIAS_COPY: i32 = 4;
export const RELU_MASK: i32 = 5;
