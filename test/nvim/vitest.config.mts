// Neovim as a second LSP client (headless, over stdio); run with `npm run test:nvim`.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: new URL('../..', import.meta.url).pathname,
    include: ['test/nvim/**/*.test.ts'],
    testTimeout: 180_000,
  },
});
