// `nn export --format onnx|safetensors`: where the files go, `--out -` for every format, exit statuses, and binary stdout through the real command line.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultExportPath, exportedModel } from '../../server/src/export/formats';
import { readSafetensors } from '../../server/src/export/safetensors';
import type { ExportFormat } from '../../server/src/protocol';
import { buildCli } from '../support/cli';
import { XOR_EXAMPLE } from '../support/specs';
import { tempDir } from '../support/temp';
import { exportCli, trainedRun } from './helpers';

const FORMATS: ExportFormat[] = ['json', 'pytorch', 'onnx', 'safetensors'];

/** What `nn export` must write for the spec's run 1: the library's bytes for a fresh training (training is deterministic). */
function expected(format: ExportFormat, spec = XOR_EXAMPLE, scriptName = `spec.run1.py`): Buffer {
  const { run, trainer, result } = trainedRun(spec);
  return Buffer.from(exportedModel(format, run, result, () => trainer.trainingPart(), { specPath: 'spec.nn', scriptName }));
}

describe('nn export --format onnx|safetensors', () => {
  it.each([
    ['onnx', 'spec.run1.onnx'],
    ['safetensors', 'spec.run1.safetensors'],
  ] as const)('%s goes beside the spec as %s by default', (format, name) => {
    const { dir } = trainedRun(XOR_EXAMPLE);
    const res = exportCli(['spec.nn', '--run', '1', '--format', format], dir);
    expect(res.status).toBe(0);
    expect(res.stdout.length).toBe(0);
    expect(res.stderr).toMatch(new RegExp(`^nn export: wrote ${name.replace(/\./g, '\\.')} \\(run 1, \\d+ epochs, loss [\\d.e-]+\\)\\n$`));
    const file = readFileSync(join(dir, name));
    expect(file.equals(expected(format))).toBe(true);
    expect(statSync(join(dir, name)).mode & 0o111).toBe(0);
    expect(defaultExportPath('examples/xor.nn', 2, format)).toBe(join('examples', name.replace('spec.run1', 'xor.run2')));
  });

  it('writes the spec\'s folder, not the working directory, by default', () => {
    const { dir } = trainedRun(XOR_EXAMPLE);
    const res = exportCli([join(dir, 'spec.nn'), '--run', '1', '--format', 'safetensors'], tempDir('nn-elsewhere-'));
    expect(res.status).toBe(0);
    expect('error' in readSafetensors(readFileSync(join(dir, 'spec.run1.safetensors')))).toBe(false);
  });

  it.each(FORMATS)('--out - writes %s to stdout, and nothing else', (format) => {
    const { dir } = trainedRun(XOR_EXAMPLE);
    const res = exportCli(['spec.nn', '--run', '1', '--format', format, '--out', '-'], dir);
    expect(res.status).toBe(0);
    expect(res.stderr).toBe('');
    expect(res.stdout.equals(expected(format, XOR_EXAMPLE, 'SCRIPT'))).toBe(true);
    for (const f of FORMATS) expect(existsSync(join(dir, `spec.run1.${f === 'pytorch' ? 'py' : f}`))).toBe(false);
  });

  it('--out PATH names the file for the binary formats too', () => {
    const { dir } = trainedRun(XOR_EXAMPLE);
    const res = exportCli(['spec.nn', '--run', '1', '--format', 'onnx', '--out', 'model.onnx'], dir);
    expect(res.status).toBe(0);
    expect(readFileSync(join(dir, 'model.onnx')).equals(expected('onnx'))).toBe(true);
    expect(existsSync(join(dir, 'spec.run1.onnx'))).toBe(false);
  });

  it.each<[string[], number, string]>([
    [['--format', 'onnx', '--out', 'no-folder/m.onnx'], 2, "nn export: cannot write 'no-folder/m.onnx': there is no folder 'no-folder'; create it first\n"],
    [['--format', 'safetensors', '--run', '2'], 2, 'has no run 2 (it has 1 train block)'],
    [['--format', 'tflite'], 2, '--format must be json, pytorch, onnx or safetensors'],
  ])('%j exits %i', (args, status, message) => {
    const { dir } = trainedRun(XOR_EXAMPLE);
    const res = exportCli(['spec.nn', '--run', '1', ...args], dir);
    expect(res.status).toBe(status);
    expect(res.stdout.length).toBe(0);
    expect(res.stderr).toContain(message);
  });

  it.each(['onnx', 'safetensors'])('a diverged run exits 1 for %s and writes no file', (format) => {
    const { dir, result } = trainedRun(XOR_EXAMPLE.replace('layer output 1 sigmoid', 'layer output 1 linear').replace('rate 0.5', 'rate 1000'));
    expect(result.stopped).toBe('diverged');
    const res = exportCli(['spec.nn', '--run', '1', '--format', format], dir);
    expect(res.status).toBe(1);
    expect(res.stderr).toMatch(/^nn export: run 1 diverged in epoch \d+/);
    expect(existsSync(join(dir, `spec.run1.${format}`))).toBe(false);
  });

  it('the real command line writes the binary formats to stdout byte for byte', async () => {
    const dir = tempDir('nn-export-cli-');
    const cli = await buildCli(dir);
    const { dir: specDir } = trainedRun(XOR_EXAMPLE);
    for (const format of ['onnx', 'safetensors'] as const) {
      const p = spawnSync(process.execPath, [cli, 'export', 'spec.nn', '--run', '1', '--format', format, '--out', '-'], { cwd: specDir, maxBuffer: 1 << 24 });
      expect(p.stderr.toString()).toBe('');
      expect(p.status).toBe(0);
      expect(p.stdout.equals(expected(format))).toBe(true);
    }
  });
});
