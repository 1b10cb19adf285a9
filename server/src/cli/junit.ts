// The JUnit XML of `nn test --junit PATH` (docs/cli.md "nn test"): one testsuite per spec, one testcase per run with expectations, a failure per failed expectation.

import { expectationText, verdictDetails, verdictLine, type GradedExpectation } from '../present/expectations';

/** One run as a test case. */
export interface JunitCase {
  /** The run's test name (present/expectations.ts testNames): `xor on xor_table`. */
  name: string;
  /** 1-based line of its `train` keyword. */
  line: number;
  seconds: number;
  /** Its graded expectations, each with the 1-based line of its `expect`; empty for a run of a spec with errors (see `error`). */
  graded: { line: number; graded: GradedExpectation }[];
  /** Why the run was not trained: the spec's errors, one per line. */
  error?: { message: string; details: string };
}

/** One spec as a test suite. */
export interface JunitSuite {
  /** The spec's path as given on the command line. */
  file: string;
  cases: JunitCase[];
}

/** Characters XML 1.0 cannot hold at all (control characters other than tab and line breaks, lone surrogates). */
const NOT_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Text escaped for an XML attribute or element. */
function xml(text: string): string {
  return text
    .replace(NOT_XML, '\ufffd')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/\r/g, '&#13;')
    .replace(/\n/g, '&#10;');
}

/** Element text: like an attribute, but line breaks stay as they are. */
function xmlText(text: string): string {
  return xml(text).replace(/&#10;/g, '\n');
}

function seconds(value: number): string {
  return (Math.round(value * 1000) / 1000).toFixed(3);
}

interface Counts {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
  time: number;
}

function counts(cases: readonly JunitCase[]): Counts {
  const total: Counts = { tests: cases.length, failures: 0, errors: 0, skipped: 0, time: 0 };
  for (const c of cases) {
    total.time += c.seconds;
    if (c.error) total.errors++;
    else if (c.graded.some(({ graded }) => graded.verdict === 'failed')) total.failures++;
    else if (c.graded.length > 0 && c.graded.every(({ graded }) => graded.verdict === 'not-graded')) total.skipped++;
  }
  return total;
}

function countAttributes(c: Counts): string {
  return `tests="${c.tests}" failures="${c.failures}" errors="${c.errors}" skipped="${c.skipped}" time="${seconds(c.time)}"`;
}

/** The whole document. `timestamp` is when the tests started (ISO 8601, without a zone, as the JUnit schema has it). */
export function junitXml(suites: readonly JunitSuite[], timestamp: string): string {
  const all = counts(suites.flatMap((s) => s.cases));
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites name="nn test" ${countAttributes(all)}>`];
  suites.forEach((suite, id) => {
    out.push(`  <testsuite name="${xml(suite.file)}" id="${id}" ${countAttributes(counts(suite.cases))} timestamp="${xml(timestamp)}" file="${xml(suite.file)}">`);
    for (const c of suite.cases) {
      out.push(`    <testcase name="${xml(c.name)}" classname="${xml(suite.file)}" time="${seconds(c.seconds)}" file="${xml(suite.file)}" line="${c.line}">`);
      if (c.error) {
        out.push(`      <error message="${xml(c.error.message)}" type="spec-error">${xmlText(c.error.details)}</error>`);
      }
      const failed = c.graded.filter(({ graded }) => graded.verdict === 'failed');
      for (const { line, graded } of failed) {
        const message = `${expectationText(graded.expectation)}: ${verdictDetails(graded) || 'not met'}`;
        out.push(`      <failure message="${xml(message)}" type="expectation">${xmlText(`${suite.file}:${line}: ${verdictLine(graded)}`)}</failure>`);
      }
      const notGraded = c.graded.filter(({ graded }) => graded.verdict === 'not-graded');
      if (!c.error && failed.length === 0 && notGraded.length > 0 && notGraded.length === c.graded.length) {
        out.push(`      <skipped message="${xml(notGraded[0].graded.note ?? 'not graded')}"/>`);
      }
      if (c.graded.length > 0) out.push(`      <system-out>${xmlText(c.graded.map(({ line, graded }) => `${suite.file}:${line}: ${verdictLine(graded)}`).join('\n'))}</system-out>`);
      out.push('    </testcase>');
    }
    out.push('  </testsuite>');
  });
  out.push('</testsuites>', '');
  return out.join('\n');
}
