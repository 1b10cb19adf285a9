// Placeholder until the checker lands: parse only.
import type { CheckOptions, CheckResult } from './index';
import { parse } from './parser';

export function check(text: string, _options: CheckOptions): CheckResult {
  const parsed = parse(text);
  return { ...parsed, networks: new Map(), datasets: new Map(), runs: [], references: [], errorCount: parsed.problems.filter((p) => p.severity === 'error').length };
}
