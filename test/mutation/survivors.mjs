// `node test/mutation/survivors.mjs reports/mutation/nn-math.json …`: the score of Stryker JSON reports (together)
// and every mutant that survived or had no test, one line each (file:line, the mutator, the replacement), to read
// them after `npm run test:mutation` (docs/RELIABILITY.md "Mutation score"). `REPORT.json:FROM-TO` takes only the
// mutants of those lines: a report of a `--mutate FILE:FROM-TO` run also holds the lines earlier runs scored.
// `REPORT.json#NAME.ts` (or `REPORT.json#NAME.ts:FROM-TO`) takes only the files whose name ends with NAME.ts: a part's
// report holds every file of the part, so a piece scored in another report is not counted twice.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

const reports = process.argv.slice(2);
if (reports.length === 0) {
  console.error('usage: node test/mutation/survivors.mjs REPORT.json[#FILE.ts][:FROM-TO] …');
  process.exit(2);
}
const counts = {};
const lines = [];
for (const argument of reports) {
  const [, report, only, from, to] = /^(.*?)(?:#([^:]+))?(?::(\d+)-(\d+))?$/.exec(argument);
  const { files } = JSON.parse(readFileSync(report, 'utf8'));
  for (const [file, { mutants, source }] of Object.entries(files)) {
    if (only !== undefined && !file.endsWith(`/${only}`)) continue;
    const text = source.split('\n');
    for (const mutant of mutants) {
      if (from !== undefined && (mutant.location.start.line < Number(from) || mutant.location.start.line > Number(to))) continue;
      counts[mutant.status] = (counts[mutant.status] ?? 0) + 1;
      if (mutant.status !== 'Survived' && mutant.status !== 'NoCoverage') continue;
      const { line, column } = mutant.location.start;
      const original = text[line - 1].trim().slice(0, 100);
      const replacement = (mutant.replacement ?? '').replace(/\s+/g, ' ').slice(0, 80);
      lines.push(`${relative(process.cwd(), file)}:${line}:${column} ${mutant.status} ${mutant.mutatorName}: ${replacement}\n    ${original}`);
    }
  }
}
const killed = (counts.Killed ?? 0) + (counts.Timeout ?? 0);
const detectable = killed + (counts.Survived ?? 0) + (counts.NoCoverage ?? 0);
console.log(lines.join('\n'));
console.log(Object.entries(counts).map(([status, n]) => `${status} ${n}`).join(', '));
console.log(`score ${((100 * killed) / detectable).toFixed(2)}% (${killed} of ${detectable}; killed and timed out of all but compile errors, ignored and pending)`);
// Ignored mutants are those of a `// Stryker disable next-line MUTATOR: reason` comment: equivalent mutants of code
// that stays (docs/RELIABILITY.md "Equivalent mutants"). Stryker leaves them out of its score; this line counts them
// as survived, so that both figures can be given.
const ignored = counts.Ignored ?? 0;
if (ignored > 0) {
  console.log(`score ${((100 * killed) / (detectable + ignored)).toFixed(2)}% with the ${ignored} ignored counted as survived (${killed} of ${detectable + ignored})`);
}
