// Types of rawImports.mjs, for the tests that bundle with it.
import type { Plugin } from 'esbuild';

export declare const rawImports: Plugin;
