// Documentation of every word of the language, shown by hover and by completion items.
//
// One table, so hover and completion never disagree. A word can mean different
// things in different places (`seed` is a train statement and a generator
// argument; `loss` starts a statement and appears in `stop when loss <`), so
// entries are looked up by (category, word); `docFor` picks by category first.

import { LEAKY_RELU_SLOPE } from '../nn/activations';

export type DocCategory =
  | 'declaration'
  | 'network-statement'
  | 'data-statement'
  | 'train-statement'
  | 'activation'
  | 'init'
  | 'loss'
  | 'optimizer'
  | 'optimizer-parameter'
  | 'generator'
  | 'generator-argument'
  | 'regularizer'
  | 'schedule'
  | 'schedule-parameter'
  | 'weights-row'
  | 'value';

export interface KeywordDoc {
  word: string;
  category: DocCategory;
  /** How the word is written in context, as a one-line syntax sketch. */
  syntax: string;
  /** What it means, in one or two sentences. */
  summary: string;
  /** The math, when there is some (Unicode, shown in a code block). */
  formula?: string;
  /** What applies when the statement or argument is left out. */
  defaults?: string;
  /** A line of `.nn` that uses it. */
  example: string;
}

const CATEGORY_LABEL: Record<DocCategory, string> = {
  declaration: 'declaration',
  'network-statement': 'network statement',
  'data-statement': 'data statement',
  'train-statement': 'train statement',
  activation: 'activation',
  init: 'weight initialization',
  loss: 'loss',
  optimizer: 'optimizer',
  'optimizer-parameter': 'optimizer parameter',
  generator: 'data generator',
  'generator-argument': 'generator argument',
  regularizer: 'penalty',
  schedule: 'learning-rate schedule',
  'schedule-parameter': 'schedule parameter',
  'weights-row': 'weights row',
  value: 'value',
};

export const KEYWORD_DOCS: readonly KeywordDoc[] = [
  // ------------------------------------------------------------ declarations
  {
    word: 'network',
    category: 'declaration',
    syntax: 'network NAME { input N · layer [NAME] UNITS ACTIVATION [init INIT] … }',
    summary:
      'A feed-forward network: an input width, then fully connected layers from first to last. Layer k computes z⁽ᵏ⁾ = W⁽ᵏ⁾a⁽ᵏ⁻¹⁾ + b⁽ᵏ⁾ and a⁽ᵏ⁾ = act(z⁽ᵏ⁾), with a⁽⁰⁾ = x.',
    formula: 'z⁽ᵏ⁾ = W⁽ᵏ⁾ a⁽ᵏ⁻¹⁾ + b⁽ᵏ⁾,  a⁽ᵏ⁾ = act(z⁽ᵏ⁾)',
    example: 'network xor {\n  input 2\n  layer hidden 3 sigmoid\n  layer output 1 sigmoid\n}',
  },
  {
    word: 'data',
    category: 'declaration',
    syntax: 'data NAME { rows } | data NAME from "file.csv" { … } | data NAME = GENERATOR(args)',
    summary:
      'A data set: inline rows `inputs -> targets`, a CSV file relative to this spec, or one of the classic 2-D toy sets.',
    example: 'data xor_table {\n  0 0 -> 0\n  0 1 -> 1\n  1 0 -> 1\n  1 1 -> 0\n}',
  },
  {
    word: 'train',
    category: 'declaration',
    syntax: 'train NETWORK on DATA { loss … · optimizer … · epochs … · batch … · seed … · stop when loss < T · validate P% · precision … · regularize … · schedule … · patience N · start from WEIGHTS }',
    summary:
      'A training run: a fresh copy of the network, with weights drawn from the seed (or given: `start from`), trained on the data set by backpropagation. Runs are independent; a file may hold many.',
    defaults: 'loss mse, optimizer sgd rate 0.1 (adam rate 0.001), epochs 1000, batch full, seed 0, precision f64',
    example: 'train xor on xor_table {\n  loss mse\n  optimizer sgd rate 0.5\n  epochs 20000\n  stop when loss < 0.001\n}',
  },
  {
    word: 'weights',
    category: 'declaration',
    syntax: 'weights NAME for NETWORK { LAYER W w… · LAYER b b… } | weights NAME for NETWORK from "file"',
    summary:
      'Every parameter of a network, given by hand (a worked example from a lecture) or read from a file `nn export` wrote (JSON or safetensors). For each layer: one `W` row per unit j with its incoming weights W_j1 … W_jn in input order, units in order, and one `b` row with the biases. A run uses them with `start from NAME`.',
    formula: 'row j of layer k: W⁽ᵏ⁾_j1 … W⁽ᵏ⁾_jn  (z⁽ᵏ⁾_j = Σᵢ W⁽ᵏ⁾_ji a⁽ᵏ⁻¹⁾_i + b⁽ᵏ⁾_j)',
    example: 'weights given for xor {\n  hidden W 0.15 0.2\n  hidden W 0.25 0.3\n  hidden b 0.35 0.35\n  output W 0.4 0.45\n  output b 0.6\n}',
  },
  {
    word: 'for',
    category: 'declaration',
    syntax: 'weights NAME for NETWORK { … }',
    summary: 'Names the network the weights are for: every one of its layers must be given, each row as long as the layer\'s fan-in (W) or units (b).',
    example: 'weights given for xor from "xor.run1.safetensors"',
  },
  {
    word: 'on',
    category: 'declaration',
    syntax: 'train NETWORK on DATA { … }',
    summary: 'Names the data set a run trains on. Its input width must equal the network\'s `input`, its target width the last layer\'s units.',
    example: 'train xor on xor_table { … }',
  },
  // ------------------------------------------------------------ network statements
  {
    word: 'input',
    category: 'network-statement',
    syntax: 'input N',
    summary: 'The width of the input vector x (a⁽⁰⁾). It is the first statement of a network and appears once.',
    example: 'input 2',
  },
  {
    word: 'layer',
    category: 'network-statement',
    syntax: 'layer [NAME] UNITS ACTIVATION [init INIT] [dropout P%]',
    summary:
      'A fully connected layer of UNITS units. W⁽ᵏ⁾ is units × (width of the previous layer), b⁽ᵏ⁾ has one entry per unit. Layers are numbered from 1; an unnamed layer is called `layer1`, `layer2`, … by its position.',
    formula: 'z⁽ᵏ⁾ = W⁽ᵏ⁾ a⁽ᵏ⁻¹⁾ + b⁽ᵏ⁾,  a⁽ᵏ⁾ = act(z⁽ᵏ⁾)\nparameters = units × (inputs + 1)',
    example: 'layer hidden 4 sigmoid',
  },
  {
    word: 'dropout',
    category: 'network-statement',
    syntax: 'layer … ACTIVATION [init INIT] dropout P%   (hidden layers only)',
    summary:
      'Inverted dropout: during training each output of this layer is zeroed with probability P and the others are scaled by 1/(1 − P), so the next layer sees the same expected input. Masks come from the run\'s seed. Evaluation (validation, accuracy, hovers, predictions) never drops.',
    formula: 'ã = a ⊙ m,  mᵢ = 0 with probability P, else 1/(1 − P)\nδ⁽ᵏ⁾ = ((W⁽ᵏ⁺¹⁾ᵀ δ⁽ᵏ⁺¹⁾) ⊙ act′(z⁽ᵏ⁾)) ⊙ m',
    defaults: 'no dropout; P is in [0%, 100%)',
    example: 'layer hidden 64 relu dropout 20%',
  },
  {
    word: 'init',
    category: 'network-statement',
    syntax: 'layer … ACTIVATION init INIT',
    summary: 'How the layer\'s initial weights are drawn (from the run\'s seed). Biases always start at 0.',
    defaults: '`xavier` for sigmoid, tanh, linear, softmax; `he` for relu and leaky_relu',
    example: 'layer hidden 16 relu init he',
  },
  // ------------------------------------------------------------ activations
  {
    word: 'sigmoid',
    category: 'activation',
    syntax: 'layer NAME UNITS sigmoid',
    summary: 'The logistic function: squashes z into (0, 1). The classic activation of the backpropagation derivation; a natural output for 0/1 targets.',
    formula: 'σ(z) = 1 / (1 + e⁻ᶻ)\nσ′(z) = σ(z)(1 − σ(z)) = h ⊙ (1 − h)',
    defaults: 'init xavier',
    example: 'layer hidden 4 sigmoid',
  },
  {
    word: 'tanh',
    category: 'activation',
    syntax: 'layer NAME UNITS tanh',
    summary: 'The hyperbolic tangent: squashes z into (−1, 1), centred at 0, which often trains faster than sigmoid in hidden layers.',
    formula: 'tanh(z) = (eᶻ − e⁻ᶻ) / (eᶻ + e⁻ᶻ)\ntanh′(z) = 1 − tanh²(z) = 1 − h²',
    defaults: 'init xavier',
    example: 'layer hidden 8 tanh',
  },
  {
    word: 'relu',
    category: 'activation',
    syntax: 'layer NAME UNITS relu',
    summary: 'The rectified linear unit: passes positive z, zeroes the rest. Units whose z stays negative stop learning ("dead" units).',
    formula: 'relu(z) = max(0, z)\nrelu′(z) = 𝟙[z > 0]',
    defaults: 'init he',
    example: 'layer hidden 16 relu',
  },
  {
    word: 'leaky_relu',
    category: 'activation',
    syntax: 'layer NAME UNITS leaky_relu',
    summary: `Like relu, but with a small slope (${LEAKY_RELU_SLOPE}) below 0, so no unit stops learning entirely.`,
    formula: `leaky_relu(z) = z if z > 0, else ${LEAKY_RELU_SLOPE} z\nleaky_relu′(z) = 1 if z > 0, else ${LEAKY_RELU_SLOPE}`,
    defaults: 'init he',
    example: 'layer hidden 16 leaky_relu',
  },
  {
    word: 'linear',
    category: 'activation',
    syntax: 'layer NAME UNITS linear',
    summary: 'The identity: a = z. The usual output for regression targets that are not limited to (0, 1).',
    formula: 'linear(z) = z\nlinear′(z) = 1',
    defaults: 'init xavier',
    example: 'layer out 1 linear',
  },
  {
    word: 'softmax',
    category: 'activation',
    syntax: 'layer NAME UNITS softmax   (last layer only)',
    summary:
      'Turns the last layer\'s z into a probability distribution over the classes. Only on the last layer; pair it with `loss cross_entropy`, whose output δ is then simply ŷ − y.',
    formula: 'softmax(z)ᵢ = eᶻⁱ / Σⱼ eᶻʲ\nwith cross_entropy: δ⁽ᴸ⁾ = ŷ − y',
    defaults: 'init xavier',
    example: 'layer out 3 softmax',
  },
  // ------------------------------------------------------------ inits
  {
    word: 'xavier',
    category: 'init',
    syntax: 'init xavier',
    summary: 'Glorot/Xavier uniform initialization: keeps the variance of activations roughly constant through sigmoid and tanh layers.',
    formula: 'W ~ U(−√(6/(n_in + n_out)), +√(6/(n_in + n_out)))',
    defaults: 'the default for sigmoid, tanh, linear and softmax layers',
    example: 'layer hidden 4 tanh init xavier',
  },
  {
    word: 'he',
    category: 'init',
    syntax: 'init he',
    summary: 'He uniform initialization: scaled for relu-like units, half of which are zero.',
    formula: 'W ~ U(−√(6/n_in), +√(6/n_in))',
    defaults: 'the default for relu and leaky_relu layers',
    example: 'layer hidden 16 relu init he',
  },
  {
    word: 'uniform',
    category: 'init',
    syntax: 'init uniform',
    summary: 'Plain uniform weights in ±0.5, as in the early backpropagation papers.',
    formula: 'W ~ U(−0.5, +0.5)',
    example: 'layer hidden 3 sigmoid init uniform',
  },
  {
    word: 'zeros',
    category: 'init',
    syntax: 'init zeros',
    summary: 'All weights 0. Every unit of the layer then computes the same thing and gets the same update, so they never become different: a lesson in why weights start random.',
    formula: 'W = 0',
    example: 'layer hidden 3 sigmoid init zeros',
  },
  // ------------------------------------------------------------ data statements
  {
    word: 'from',
    category: 'data-statement',
    syntax: 'data NAME from "path.csv" { inputs … · target … [onehot] · encode … onehot · missing drop|mean · separator "C" · normalize … · header yes|no }',
    summary: 'Reads a comma-separated file (another separator with `separator`), relative to this spec. The first line is a header unless `header no`. Without `target`, the last column is the target.',
    example: 'data iris from "iris.csv" {\n  target species onehot\n  normalize zscore\n}',
  },
  {
    word: 'inputs',
    category: 'data-statement',
    syntax: 'inputs COLUMN [.. COLUMN] …',
    summary: 'The CSV columns that form x, by header name, 0-based index or quoted name; `a..b` is every column from a to b inclusive.',
    defaults: 'every column but the target',
    example: 'inputs sepal_length..petal_width',
  },
  {
    word: 'target',
    category: 'data-statement',
    syntax: 'target COLUMN … [onehot]',
    summary: 'The CSV columns that form the target y.',
    defaults: 'the last column',
    example: 'target species onehot',
  },
  {
    word: 'onehot',
    category: 'data-statement',
    syntax: 'target COLUMN onehot · encode COLUMN … onehot',
    summary:
      'In `target`: turns one column of class labels (numbers or words) into one output per distinct class, classes ordered by first appearance; pairs with a softmax output and cross_entropy. In `encode`: turns each input column of words into one input per category the same way.',
    formula: 'label c ↦ eᶜ  (1 at the class\'s position, 0 elsewhere)',
    example: 'target species onehot',
  },
  {
    word: 'encode',
    category: 'data-statement',
    syntax: 'encode COLUMN … onehot',
    summary:
      'Input columns whose values are words (a city, a colour) become one input per category, in order of first appearance, 1 for the row\'s category and 0 for the others: the network\'s input width grows by the categories less one per column.',
    formula: 'city = Lyon ↦ (0, 1, 0)  with categories Paris, Lyon, Nice',
    example: 'encode city onehot',
  },
  {
    word: 'missing',
    category: 'data-statement',
    syntax: 'missing drop | missing mean',
    summary:
      'What to do with a missing value: an empty field, or NA, N/A, NaN, null or ? in any case. `drop` leaves out every row that has one; `mean` fills an input with its column\'s mean over each run\'s training part (rows whose target is missing are left out).',
    defaults: 'a missing value is an error naming its line and column',
    example: 'missing mean',
  },
  {
    word: 'drop',
    category: 'value',
    syntax: 'missing drop',
    summary: 'Leaves out every row with a missing value in a column the data set uses; the count is shown on the statement.',
    example: 'missing drop',
  },
  {
    word: 'mean',
    category: 'value',
    syntax: 'missing mean',
    summary:
      'Fills a missing input with its column\'s mean over the run\'s training part, fitted like normalization (before it) after the run holds out its validation rows; a row whose target is missing is left out.',
    formula: 'x = mean of the column\'s known values in the training part',
    example: 'missing mean',
  },
  {
    word: 'separator',
    category: 'data-statement',
    syntax: 'separator "C"',
    summary: 'The character between a file\'s fields, when it is not a comma: `";"` for spreadsheets of some locales, `"\\t"` for tabs.',
    defaults: '","',
    example: 'separator ";"',
  },
  {
    word: 'header',
    category: 'data-statement',
    syntax: 'header yes | header no',
    summary: 'Whether the CSV\'s first line names the columns.',
    defaults: 'yes',
    example: 'header no',
  },
  {
    word: 'yes',
    category: 'value',
    syntax: 'header yes',
    summary: 'The CSV\'s first line is a header of column names.',
    example: 'header yes',
  },
  {
    word: 'no',
    category: 'value',
    syntax: 'header no',
    summary: 'The CSV has no header line; refer to columns by 0-based index.',
    example: 'header no',
  },
  {
    word: 'normalize',
    category: 'data-statement',
    syntax: 'normalize minmax | normalize zscore',
    summary: 'Rescales each input column, with statistics fitted on the training part only (the rows a run does not hold out). A constant column maps to 0. Large raw inputs are the usual reason a run diverges.',
    defaults: 'no normalization',
    example: 'normalize zscore',
  },
  {
    word: 'minmax',
    category: 'value',
    syntax: 'normalize minmax',
    summary: 'Maps each input column onto [0, 1].',
    formula: 'x′ = (x − min) / (max − min)',
    example: 'normalize minmax',
  },
  {
    word: 'zscore',
    category: 'value',
    syntax: 'normalize zscore',
    summary: 'Centres each input column at 0 with unit standard deviation.',
    formula: 'x′ = (x − mean) / std',
    example: 'normalize zscore',
  },
  // ------------------------------------------------------------ generators
  {
    word: 'xor',
    category: 'generator',
    syntax: 'data NAME = xor(samples N, noise S, seed K)',
    summary: 'Points in the square, labelled 1 in two opposite quadrants and 0 in the other two: not linearly separable, so it needs a hidden layer. 2 inputs, 1 target in {0, 1}.',
    defaults: 'samples 200, noise 0, seed 0',
    example: 'data quadrants = xor(samples 400, noise 0.1)',
  },
  {
    word: 'circle',
    category: 'generator',
    syntax: 'data NAME = circle(samples N, noise S, seed K)',
    summary: 'Points labelled 1 inside a circle and 0 outside it. 2 inputs, 1 target in {0, 1}.',
    defaults: 'samples 200, noise 0, seed 0',
    example: 'data ring = circle(samples 300, noise 0.05)',
  },
  {
    word: 'spiral',
    category: 'generator',
    syntax: 'data NAME = spiral(samples N, noise S, seed K)',
    summary: 'Two interleaved spiral arms, one per class: hard for a small network. 2 inputs, 1 target in {0, 1}.',
    defaults: 'samples 200, noise 0, seed 0',
    example: 'data arms = spiral(samples 400, noise 0.1, seed 3)',
  },
  {
    word: 'gauss',
    category: 'generator',
    syntax: 'data NAME = gauss(samples N, noise S, seed K)',
    summary: 'Two Gaussian blobs, one per class: nearly linearly separable. 2 inputs, 1 target in {0, 1}.',
    defaults: 'samples 200, noise 0, seed 0',
    example: 'data blobs = gauss(samples 200, noise 0.2)',
  },
  {
    word: 'samples',
    category: 'generator-argument',
    syntax: 'GENERATOR(samples N)',
    summary: 'How many points to generate (a whole number).',
    defaults: '200',
    example: 'data blobs = gauss(samples 400)',
  },
  {
    word: 'noise',
    category: 'generator-argument',
    syntax: 'GENERATOR(noise S)',
    summary: 'How far points are jittered from their ideal place; 0 gives clean classes.',
    defaults: '0',
    example: 'data ring = circle(noise 0.1)',
  },
  {
    word: 'seed',
    category: 'generator-argument',
    syntax: 'GENERATOR(seed K)',
    summary: 'The seed of the generator: the same seed gives the same points.',
    defaults: '0',
    example: 'data arms = spiral(seed 3)',
  },
  // ------------------------------------------------------------ train statements
  {
    word: 'loss',
    category: 'train-statement',
    syntax: 'loss mse | loss cross_entropy',
    summary: 'The function of ŷ and y that training minimizes, averaged over the samples of a batch.',
    defaults: 'mse',
    example: 'loss cross_entropy',
  },
  {
    word: 'mse',
    category: 'loss',
    syntax: 'loss mse',
    summary: 'The sum-of-squares loss of the classic derivation, per sample, averaged over the batch. With a sigmoid output the output δ carries the factor ŷ(1 − ŷ).',
    formula: 'L = ½ Σₗ (ŷₗ − yₗ)²\n∂L/∂ŷ = ŷ − y\nwith sigmoid: δ⁽ᴸ⁾ = (ŷ − y) ⊙ ŷ(1 − ŷ)',
    example: 'loss mse',
  },
  {
    word: 'cross_entropy',
    category: 'loss',
    syntax: 'loss cross_entropy',
    summary: 'The negative log-likelihood of the targets: categorical with a softmax output, binary on a single sigmoid output. Either way the output δ is simply ŷ − y.',
    formula: 'softmax:  L = −Σₗ yₗ log ŷₗ\nsigmoid:  L = −(y log ŷ + (1 − y) log(1 − ŷ))\nδ⁽ᴸ⁾ = ŷ − y',
    example: 'loss cross_entropy',
  },
  {
    word: 'optimizer',
    category: 'train-statement',
    syntax: 'optimizer sgd [rate η] [momentum μ] | optimizer adam [rate η] [beta1 β₁] [beta2 β₂] [epsilon ε]',
    summary: 'How each gradient becomes an update of W and b.',
    defaults: 'sgd rate 0.1 (adam rate 0.001)',
    example: 'optimizer sgd rate 0.5 momentum 0.9',
  },
  {
    word: 'sgd',
    category: 'optimizer',
    syntax: 'optimizer sgd [rate η] [momentum μ]',
    summary: 'Gradient descent: a step against the gradient of each batch. With momentum, a velocity accumulates past steps.',
    formula: 'W ← W − η ∂L/∂W\nwith momentum: v ← μv − η ∂L/∂W,  W ← W + v',
    defaults: 'rate 0.1, momentum 0',
    example: 'optimizer sgd rate 0.5 momentum 0.9',
  },
  {
    word: 'adam',
    category: 'optimizer',
    syntax: 'optimizer adam [rate η] [beta1 β₁] [beta2 β₂] [epsilon ε]',
    summary: 'Adam: per-weight step sizes from running averages of the gradient and of its square, bias-corrected.',
    formula: 'm ← β₁m + (1 − β₁)g,  v ← β₂v + (1 − β₂)g²\nm̂ = m/(1 − β₁ᵗ),  v̂ = v/(1 − β₂ᵗ)\nW ← W − η m̂ / (√v̂ + ε)',
    defaults: 'rate 0.001, beta1 0.9, beta2 0.999, epsilon 1e-8',
    example: 'optimizer adam rate 0.01',
  },
  {
    word: 'rate',
    category: 'optimizer-parameter',
    syntax: 'optimizer … rate η',
    summary: 'The learning rate η: how far each update moves against the gradient. Too small trains slowly; too large makes the loss jump or become NaN. Must be > 0.',
    formula: 'W ← W − η ∂L/∂W',
    defaults: '0.1 for sgd, 0.001 for adam',
    example: 'optimizer sgd rate 0.5',
  },
  {
    word: 'momentum',
    category: 'optimizer-parameter',
    syntax: 'optimizer sgd … momentum μ',
    summary: 'The share μ ∈ [0, 1) of the previous step kept in the next one (sgd only); it speeds up travel along shallow valleys.',
    formula: 'v ← μv − η ∂L/∂W,  W ← W + v',
    defaults: '0',
    example: 'optimizer sgd rate 0.1 momentum 0.9',
  },
  {
    word: 'beta1',
    category: 'optimizer-parameter',
    syntax: 'optimizer adam … beta1 β₁',
    summary: 'Adam\'s decay rate of the running mean of the gradient (adam only).',
    formula: 'm ← β₁m + (1 − β₁)g',
    defaults: '0.9',
    example: 'optimizer adam rate 0.01 beta1 0.9',
  },
  {
    word: 'beta2',
    category: 'optimizer-parameter',
    syntax: 'optimizer adam … beta2 β₂',
    summary: 'Adam\'s decay rate of the running mean of the squared gradient (adam only).',
    formula: 'v ← β₂v + (1 − β₂)g²',
    defaults: '0.999',
    example: 'optimizer adam rate 0.01 beta2 0.999',
  },
  {
    word: 'epsilon',
    category: 'optimizer-parameter',
    syntax: 'optimizer adam … epsilon ε',
    summary: 'Adam\'s small constant that keeps the step finite where the squared gradient is near 0 (adam only).',
    formula: 'W ← W − η m̂ / (√v̂ + ε)',
    defaults: '1e-8',
    example: 'optimizer adam epsilon 1e-7',
  },
  {
    word: 'epochs',
    category: 'train-statement',
    syntax: 'epochs N',
    summary: 'At most N passes over the training data (a whole number ≥ 1). `stop when` may end the run earlier.',
    defaults: '1000',
    example: 'epochs 20000',
  },
  {
    word: 'batch',
    category: 'train-statement',
    syntax: 'batch B | batch full',
    summary: 'Samples per update. Gradients are averaged over the batch. With B, the training rows are reshuffled every epoch from the seed, and a last, smaller batch is kept.',
    defaults: 'full',
    example: 'batch 32',
  },
  {
    word: 'full',
    category: 'value',
    syntax: 'batch full',
    summary: 'One update per epoch from the whole training part: full-batch gradient descent, with no shuffling.',
    example: 'batch full',
  },
  {
    word: 'seed',
    category: 'train-statement',
    syntax: 'seed N',
    summary: 'The seed of the run: initial weights, the validation split and the shuffling all come from it. Same file, same seed, same precision ⇒ the same numbers, bit for bit.',
    defaults: '0',
    example: 'seed 1',
  },
  {
    word: 'stop',
    category: 'train-statement',
    syntax: 'stop when loss < T | stop when validation loss < T',
    summary: 'Ends the run at the end of the first epoch whose mean training loss (or, with `validation`, whose validation loss) is below T.',
    defaults: 'run all epochs',
    example: 'stop when loss < 0.001',
  },
  {
    word: 'when',
    category: 'train-statement',
    syntax: 'stop when loss < T',
    summary: 'Part of `stop when loss < T`: the run ends at the first epoch whose loss is below T.',
    example: 'stop when loss < 0.001',
  },
  {
    word: 'validate',
    category: 'train-statement',
    syntax: 'validate P%',
    summary: 'Holds out round(P% of the rows), chosen by the seed, and reports their loss (and accuracy for classification) each epoch. P is in (0%, 100%).',
    defaults: 'no validation',
    example: 'validate 20%',
  },
  {
    word: 'start',
    category: 'train-statement',
    syntax: 'start from WEIGHTS',
    summary:
      'The run starts from the weights of a `weights` declaration for its network instead of drawing them from the seed (which still orders the batches). With weights saved from a run, it goes on from where that run was.',
    defaults: 'weights drawn from the seed (init)',
    example: 'start from given',
  },
  {
    word: 'precision',
    category: 'train-statement',
    syntax: 'precision f64 | precision f32',
    summary: 'The number type of the weights and the arithmetic.',
    defaults: 'f64',
    example: 'precision f32',
  },
  // ------------------------------------------------------------ regularization, schedules, early stopping (docs/language.md §7.2–§7.4)
  {
    word: 'regularize',
    category: 'train-statement',
    syntax: 'regularize l2 λ | regularize l1 λ | regularize l1 λ₁ l2 λ₂',
    summary:
      'Adds a penalty on the weights (never the biases) to the loss that is differentiated, which keeps the weights small and fights overfitting. The loss that is reported and compared with `stop when` stays the data loss; the penalty is shown beside it.',
    formula: 'L′ = L + λ₁ Σ|w| + ½λ₂ Σw²\n∂L′/∂w = ∂L/∂w + λ₁ sign(w) + λ₂ w',
    defaults: 'no penalty',
    example: 'regularize l2 0.001',
  },
  {
    word: 'l1',
    category: 'regularizer',
    syntax: 'regularize l1 λ',
    summary: 'The L1 penalty λ Σ|w| (lasso): it pulls every weight toward 0 by the same amount, so small weights become exactly 0. Its derivative at 0 is 0.',
    formula: 'λ Σ|w|,  gradient λ sign(w)',
    example: 'regularize l1 0.0001',
  },
  {
    word: 'l2',
    category: 'regularizer',
    syntax: 'regularize l2 λ',
    summary: 'The L2 penalty ½λ Σw² (weight decay): it shrinks every weight in proportion to its size. PyTorch\'s weight_decay=λ on the weights.',
    formula: '½λ Σw²,  gradient λ w',
    example: 'regularize l2 0.001',
  },
  {
    word: 'schedule',
    category: 'train-statement',
    syntax: 'schedule step factor γ every N | schedule exponential factor γ | schedule cosine [min η_min] | schedule plateau [factor γ] [patience N]',
    summary:
      'Changes the learning rate at the end of each epoch, as PyTorch\'s schedulers do when step() is called once per epoch; the exported PyTorch script uses the matching scheduler. The current rate is shown while the run trains.',
    defaults: 'the optimizer\'s rate throughout',
    example: 'schedule step factor 0.5 every 100',
  },
  {
    word: 'step',
    category: 'schedule',
    syntax: 'schedule step [factor γ] every N',
    summary: 'Multiplies the rate by γ after every N epochs (PyTorch\'s StepLR).',
    formula: 'η_e = η · γ^⌊(e − 1)/N⌋',
    defaults: 'factor 0.1',
    example: 'schedule step factor 0.5 every 100',
  },
  {
    word: 'exponential',
    category: 'schedule',
    syntax: 'schedule exponential factor γ',
    summary: 'Multiplies the rate by γ after every epoch (PyTorch\'s ExponentialLR).',
    formula: 'η_e = η · γ^(e − 1)',
    example: 'schedule exponential factor 0.99',
  },
  {
    word: 'cosine',
    category: 'schedule',
    syntax: 'schedule cosine [min η_min]',
    summary: 'Lowers the rate along half a cosine, from the optimizer\'s rate to η_min at the run\'s last epoch (PyTorch\'s CosineAnnealingLR with T_max = epochs).',
    formula: 'η_e = η_min + ½(η − η_min)(1 + cos(π (e − 1)/T))',
    defaults: 'min 0',
    example: 'schedule cosine min 0.0001',
  },
  {
    word: 'plateau',
    category: 'schedule',
    syntax: 'schedule plateau [factor γ] [patience N]',
    summary:
      'Multiplies the rate by γ when the watched loss (the validation loss with `validate`, else the training loss) has not improved for more than N epochs in a row (PyTorch\'s ReduceLROnPlateau, mode min, threshold 0). A reduction of 1e-8 or less is skipped.',
    defaults: 'factor 0.1, patience 10',
    example: 'schedule plateau factor 0.5 patience 10',
  },
  {
    word: 'factor',
    category: 'schedule-parameter',
    syntax: 'schedule step|exponential|plateau … factor γ',
    summary: 'What the rate is multiplied by when the schedule changes it (PyTorch\'s gamma). Above 0; below 1 for plateau.',
    defaults: '0.1 for step and plateau; exponential needs it',
    example: 'schedule exponential factor 0.99',
  },
  {
    word: 'every',
    category: 'schedule-parameter',
    syntax: 'schedule step … every N',
    summary: 'The epochs between two changes of the rate (PyTorch\'s step_size), a whole number ≥ 1.',
    example: 'schedule step factor 0.5 every 100',
  },
  {
    word: 'min',
    category: 'schedule-parameter',
    syntax: 'schedule cosine min η_min',
    summary: 'The rate the cosine ends at, at the run\'s last epoch (PyTorch\'s eta_min); at least 0 and below the optimizer\'s rate.',
    defaults: '0',
    example: 'schedule cosine min 0.0001',
  },
  {
    word: 'patience',
    category: 'schedule-parameter',
    syntax: 'schedule plateau … patience N',
    summary: 'How many epochs in a row without improvement the plateau schedule lets pass; the next one lowers the rate (a whole number ≥ 0).',
    defaults: '10',
    example: 'schedule plateau factor 0.5 patience 5',
  },
  {
    word: 'patience',
    category: 'train-statement',
    syntax: 'patience N',
    summary:
      'Early stopping: ends the run when the watched loss (the validation loss with `validate`, else the training loss) has not been lower than its best for N epochs, and keeps the weights of the best epoch (Keras\'s EarlyStopping with restore_best_weights). A run that ends on its `stop when` target keeps that epoch\'s weights.',
    defaults: 'no early stopping; N is a whole number ≥ 1',
    example: 'patience 50',
  },
  {
    word: 'validation',
    category: 'train-statement',
    syntax: 'stop when validation loss < T · expect validation loss < T · expect validation accuracy > P%',
    summary:
      'The rows `validate` holds out instead of the training part: how the run does on rows it never trained on. `stop when validation loss < T` stops at the end of the first epoch whose validation loss is below T; `expect validation …` grades the final weights on those rows. Needs `validate`.',
    example: 'stop when validation loss < 0.05',
  },
  {
    word: 'expect',
    category: 'train-statement',
    syntax: 'expect [validation] loss < T | expect [validation] accuracy > P%',
    summary:
      'What the run must achieve, graded after it on its final weights: the loss or the accuracy of the training part, or with `validation` of the held-out rows. A run may have several. Each result shows on its line (✓ and the measure, or an error naming it), the lens counts them, and the runs with expectations are tests in the Test Explorer and for `nn test`. Expectations never change the training.',
    defaults: 'no expectations',
    example: 'expect validation accuracy > 95%',
  },
  {
    word: 'accuracy',
    category: 'train-statement',
    syntax: 'expect [validation] accuracy > P%',
    summary:
      "The share of rows whose predicted class is the target's (one 0/1 output: ŷ ≥ 0.5 means 1; one-hot targets: the largest output), of the final weights. Classification only; written as a percentage.",
    example: 'expect accuracy > 95%',
  },
  {
    word: 'f64',
    category: 'value',
    syntax: 'precision f64',
    summary: '64-bit floating point: exact enough to check gradients to 1e-9.',
    example: 'precision f64',
  },
  {
    word: 'f32',
    category: 'value',
    syntax: 'precision f32',
    summary: '32-bit floating point: faster, less exact.',
    example: 'precision f32',
  },
  // ------------------------------------------------------------ weights rows
  {
    word: 'W',
    category: 'weights-row',
    syntax: 'LAYER W w₁ … wₙ',
    summary:
      'One unit\'s incoming weights: row j of the layer\'s W, one number per input of the layer (per unit of the layer before, or per input of the network). A layer has one W row per unit, in unit order.',
    formula: 'z_j = W_j1 a₁ + … + W_jn aₙ + b_j',
    example: 'hidden W 0.15 0.2',
  },
  {
    word: 'b',
    category: 'weights-row',
    syntax: 'LAYER b b₁ … b_m',
    summary: 'The layer\'s biases, one per unit, in unit order: b⁽ᵏ⁾ of z⁽ᵏ⁾ = W⁽ᵏ⁾a⁽ᵏ⁻¹⁾ + b⁽ᵏ⁾.',
    example: 'hidden b 0.35 0.35',
  },
];

/** The documentation of a word, preferring the given categories in order (first match wins). */
export function docFor(word: string, ...categories: DocCategory[]): KeywordDoc | undefined {
  for (const category of categories) {
    const doc = KEYWORD_DOCS.find((d) => d.word === word && d.category === category);
    if (doc) return doc;
  }
  return categories.length === 0 ? KEYWORD_DOCS.find((d) => d.word === word) : undefined;
}

/** Every documented word of a category, in table order (the order completion offers them in). */
export function docsOf(category: DocCategory): KeywordDoc[] {
  return KEYWORD_DOCS.filter((d) => d.category === category);
}

/** Markdown for hover and completion: title, meaning, formula, defaults, example. */
export function docMarkdown(doc: KeywordDoc, options: { title?: boolean } = {}): string {
  const parts: string[] = [];
  if (options.title !== false) parts.push(`**${doc.word}** — ${CATEGORY_LABEL[doc.category]}`);
  parts.push('```nn\n' + doc.syntax + '\n```');
  parts.push(doc.summary);
  if (doc.formula) parts.push('```\n' + doc.formula + '\n```');
  if (doc.defaults) parts.push(`Default: ${doc.defaults}.`);
  parts.push('Example:\n```nn\n' + doc.example + '\n```');
  return parts.join('\n\n');
}

/** The markdown as plain text for clients without markdown (Neovim's plain floats), in hovers and completion documentation: no fences, no emphasis, link titles only. */
export function plainText(markdown: string): string {
  return markdown
    .split('\n')
    .filter((line) => !/^```/.test(line))
    .map((line) => line.replace(/\*\*([^*]+)\*\*/g, '$1').replace(/\[([^\]]+)\]\([^)]*\)/g, '$1').replace(/`([^`]+)`/g, '$1'))
    .join('\n')
    .replace(/\n---\n/g, '\n');
}

/** A short label for completion item details: the category and the syntax sketch (one line, as every sketch is). */
export function docDetail(doc: KeywordDoc): string {
  return `${CATEGORY_LABEL[doc.category]} · ${doc.syntax}`;
}
