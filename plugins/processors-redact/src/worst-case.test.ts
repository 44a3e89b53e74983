// A regular expression that backtracks can take seconds on one long line and block the agent.
// Every line of worst-cases.ts, at 1 MB, goes through its own pattern and through all of them,
// in a child process on the built dist (npm test builds it first) that is killed at a deadline:
// a linear scan takes well under a second per line, a quadratic one minutes. The deadline is
// generous so a loaded machine does not fail the test; speed itself is in bench/processors.mjs.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { NAMED_PATTERN_NAMES } from './named-patterns.js';
import { worstCases } from './worst-cases.js';

const DIST = fileURLToPath(new URL('../dist/', import.meta.url));
const LENGTH = 1_000_000;
const DEADLINE_MS = 120_000;

const script = `
import { namedEntries, Redactor } from ${JSON.stringify(DIST + 'redactor.js')};
import { NAMED_PATTERN_NAMES } from ${JSON.stringify(DIST + 'named-patterns.js')};
import { worstCases } from ${JSON.stringify(DIST + 'worst-cases.js')};
const all = new Redactor(namedEntries(NAMED_PATTERN_NAMES), { replacement: '<{name}>' });
for (const [name, lines] of Object.entries(worstCases(${LENGTH}))) {
  const own = new Redactor(namedEntries([name]), { replacement: '<{name}>' });
  for (const [label, line] of Object.entries(lines)) {
    own.redact(line);
    all.redact(line);
    console.log(name + ' ' + label + ' ' + line.length);
  }
}`;

function runWithDeadline(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), DEADLINE_MS);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('worst-case lines', () => {
  it('has lines for every named pattern', () => {
    expect(Object.keys(worstCases(10)).sort()).toEqual([...NAMED_PATTERN_NAMES].sort());
  });

  it(
    'scans a 1 MB worst-case line for every named pattern before the deadline',
    async () => {
      const { code, stdout, stderr } = await runWithDeadline();
      const expected = Object.entries(worstCases(LENGTH)).flatMap(([name, lines]) =>
        Object.entries(lines).map(([label, line]) => `${name} ${label} ${line.length}`),
      );
      // A killed child has printed only the lines before the slow one: the diff names it.
      expect(stdout.trim().split('\n')).toEqual(expected);
      expect(stderr).toBe('');
      expect(code).toBe(0);
    },
    DEADLINE_MS + 30_000,
  );
});
