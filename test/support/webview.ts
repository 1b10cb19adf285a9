// The training panel's browser bundle, built in memory as build.mjs builds dist/webview/panel.*, so suites that load it need no earlier build.
import * as esbuild from 'esbuild';

/** The panel's script and style sheet (uPlot's CSS included). */
export async function bundleWebview(): Promise<{ script: string; style: string }> {
  const result = await esbuild.build({
    entryPoints: ['client/src/webview/main.ts'],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2020',
    outdir: 'out',
    write: false,
    logLevel: 'silent',
  });
  const file = (ext: string) => result.outputFiles.find((f) => f.path.endsWith(ext))!.text;
  return { script: file('.js'), style: file('.css') };
}
