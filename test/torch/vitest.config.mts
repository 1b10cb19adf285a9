// The PyTorch cross-checks (`npm run test:torch`): exported scripts and the trainer's updates against PyTorch. Needs .ci/torch-setup.sh.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/torch/**/*.test.ts'],
    // Each test starts Python (and DDP starts several): one file at a time on a small machine.
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
