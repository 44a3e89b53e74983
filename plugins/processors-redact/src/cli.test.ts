// What a user sees: the built CLI (npm test builds it first) reading a real log file through
// processors.redact into outputs.file. `vigil run --once` goes through the processors.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../../packages/cli/dist/main.js', import.meta.url));

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'vigil-redact-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function runOnce(processor: string, env: Record<string, string> = {}) {
  const config = join(dir, 'vigil.toml');
  writeFileSync(
    config,
    `[agent]\n  omit_hostname = true\n[[inputs.logs]]\n  files = ["${join(dir, 'app.log')}"]\n  initial_read_offset = "beginning"\n  path_tag = ""\n` +
      `${processor}\n[[outputs.file]]\n  files = ["${join(dir, 'out.jsonl')}"]\n  data_format = "json"\n`,
  );
  return new Promise<{ code: number | null; stderr: string; records: Record<string, unknown>[] }>((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'run', '--once', '--debug', '--config', config], { env: { ...process.env, ...env } });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.resume();
    child.on('error', reject);
    child.on('exit', (code) => {
      let text = '';
      try {
        text = readFileSync(join(dir, 'out.jsonl'), 'utf8');
      } catch {}
      resolve({ code, stderr, records: text.split('\n').filter(Boolean).map((l) => JSON.parse(l)) });
    });
  });
}

describe('processors.redact through vigil run --once', () => {
  test('log lines reach the output with their secrets masked', async () => {
    writeFileSync(
      join(dir, 'app.log'),
      [
        'login ok for bob@example.com from 192.168.1.20',
        '{"level":"warn","msg":"retrying with Authorization: Bearer abcdefghijklmnop0123","card":"5500 0000 0000 0004"}',
        'nothing to hide here, order 1234567812345678',
        '',
      ].join('\n'),
    );
    const { code, records } = await runOnce('[[processors.redact]]');
    expect(code).toBe(0);
    expect(records.map((r) => [r.level, r.message, r.attributes])).toEqual([
      ['info', 'login ok for [REDACTED:email] from [REDACTED:ipv4]', {}],
      ['warn', 'retrying with Authorization: Bearer [REDACTED:bearer_token]', { card: '[REDACTED:credit_card]' }],
      ['info', 'nothing to hide here, order 1234567812345678', {}],
    ]);
  });

  test('cards next to other digits and passwords in camelCase keys or with separators are masked', async () => {
    writeFileSync(
      join(dir, 'app.log'),
      ['paid 4111111111111111 123 qty 2', '{"dbPassword":"hunter2","adminPwd":"x"}', 'connect password=p@ss;word1 host=db', ''].join('\n'),
    );
    const { code, records } = await runOnce('[[processors.redact]]');
    expect(code).toBe(0);
    expect(records.map((r) => r.message)).toEqual([
      'paid [REDACTED:credit_card] 123 qty 2',
      '{"dbPassword":"[REDACTED:password_kv]","adminPwd":"[REDACTED:password_kv]"}',
      'connect password=[REDACTED:password_kv] host=db',
    ]);
  });

  test('a keyed hash stands in for each value and the key appears nowhere', async () => {
    writeFileSync(join(dir, 'app.log'), 'a: ann@example.com\nb: ann@example.com\nc: cy@example.com\n');
    const key = 'k-9f8e7d6c5b4a';
    const { code, stderr, records } = await runOnce('[[processors.redact]]\n  patterns = ["email"]\n  hash = true\n  hash_key = "${REDACT_KEY}"', { REDACT_KEY: key });
    expect(code).toBe(0);
    const messages = records.map((r) => r.message as string);
    expect(messages[0]).toMatch(/^a: \[REDACTED:email:[0-9a-f]{16}\]$/);
    expect(messages[1].slice(3)).toBe(messages[0].slice(3));
    expect(messages[2].slice(3)).not.toBe(messages[0].slice(3));
    expect(stderr + JSON.stringify(records)).not.toContain(key);
  });

  test('the shared selectors choose what it masks: a stream namepass does not name passes as it is', async () => {
    writeFileSync(join(dir, 'app.log'), 'mail bob@example.com\n');
    const { code, records } = await runOnce('[[processors.redact]]\n  namepass = ["audit"]\n  patterns = ["email"]');
    expect(code).toBe(0);
    expect(records.map((r) => r.message)).toEqual(['mail bob@example.com']);
  });

  test('a custom pattern that does not compile stops the start, naming its line', async () => {
    writeFileSync(join(dir, 'app.log'), '');
    const { code, stderr } = await runOnce(`[[processors.redact]]\n  patterns = ["email"]\n  custom = ['(?i)token=[a-z+']`);
    expect(code).toBe(1);
    expect(stderr).toContain(`${join(dir, 'vigil.toml')}:9: processors.redact: option "custom": pattern 1 ("(?i)token=[a-z+") does not compile: Invalid regular expression: /token=[a-z+/i: Unterminated character class`);
  });
});
