// The seeded random numbers the tests share: the benchmarks' mulberry32 (bench/random.mjs), so fuzz inputs and fixtures are the same on every run.
export { random } from '../../bench/random.mjs';
