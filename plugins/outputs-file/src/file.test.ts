import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { newLogRecord, newMetric } from '@vigil/core';
import { createOutput, writeContext } from '@vigil/core/testing';
import file from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-file-'));

describe('outputs.file', () => {
  it('appends line protocol for metrics and log records to every file', async () => {
    const a = join(dir, 'a.out');
    const b = join(dir, 'b.out');
    const { plugin } = createOutput(file, { files: [a, b] });
    await plugin.connect!();
    await plugin.write([newMetric('cpu', { usage: 1.5 }, { host: 'h' }, 1000)], writeContext());
    await plugin.write([newLogRecord({ level: 'warn', message: 'low disk', source: '/var/log/x', timestamp: 2000 }, 'logs')], writeContext());
    await plugin.close!();
    const expected = 'cpu,host=h usage=1.5 1000000000\nlogs level="warn",message="low disk",source="/var/log/x" 2000000000\n';
    expect(readFileSync(a, 'utf8')).toBe(expected);
    expect(readFileSync(b, 'utf8')).toBe(expected);
  });

  it('writes one JSON object per line with RFC 3339 timestamps', async () => {
    const path = join(dir, 'c.json');
    const { plugin } = createOutput(file, { files: [path], data_format: 'json' });
    await plugin.connect!();
    await plugin.write([newMetric('mem', { used: 10n, ok: true }, {}, 0), newLogRecord({ level: 'error', message: 'x', timestamp: 0, attributes: { code: 7 } })], writeContext());
    await plugin.close!();
    const lines = readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toEqual([
      { type: 'metric', name: 'mem', tags: {}, fields: { used: 10, ok: true }, timestamp: '1970-01-01T00:00:00.000Z' },
      { type: 'log', timestamp: '1970-01-01T00:00:00.000Z', level: 'error', message: 'x', source: '', attributes: { code: 7 } },
    ]);
  });

  it('writes every line of large batches whole and in order, past the buffer it starts with, multi-byte text included', async () => {
    const path = join(dir, 'large.json');
    const { plugin } = createOutput(file, { files: [path], data_format: 'json' });
    await plugin.connect!();
    // 3,000 records of about 500 bytes (1.5 MB, more than the 1 MiB the encoder starts with), a
    // line of 40,000 characters among them, and text that is 2 and 4 bytes a character in UTF-8.
    const message = (n: number) => (n === 1234 ? 'x'.repeat(40_000) : `${n} ${n % 3 === 0 ? 'grüße 🙂' : 'plain'} ${'-'.repeat(460)}`);
    const batch = (from: number) => Array.from({ length: 1500 }, (_, i) => newLogRecord({ level: 'info', message: message(from + i), source: '/a', timestamp: from + i }, 'logs'));
    await plugin.write(batch(0), writeContext());
    await plugin.write(batch(1500), writeContext());
    await plugin.close!();
    const lines = readFileSync(path, 'utf8').split('\n');
    expect(lines).toHaveLength(3001);
    expect(lines.pop()).toBe('');
    lines.forEach((line, n) => {
      expect(JSON.parse(line)).toEqual({ type: 'log', timestamp: new Date(n).toISOString(), level: 'info', message: message(n), source: '/a', attributes: {} });
    });
  });

  it('fails to connect, naming the path, when its folder does not exist', async () => {
    const { plugin } = createOutput(file, { files: [join(dir, 'missing', 'x.out')] });
    await expect(plugin.connect!()).rejects.toThrow(/missing\/x\.out/);
  });

  it('retries only into the file that failed: the file that worked holds each line once', async () => {
    const good = join(dir, 'good.out');
    // A path that fails for real, even as root: writes to /dev/full end in ENOSPC.
    const full = join(dir, 'full.out');
    symlinkSync('/dev/full', full);
    const { plugin } = createOutput(file, { files: [good, full] });
    await plugin.connect!();
    const first = writeContext();
    const batch = [newMetric('cpu', { usage: 1.5 }, { host: 'h' }, 1000)];
    expect(await plugin.write(batch, first)).toEqual({ outcome: 'retry', reason: `${full}: ENOSPC: no space left on device, write` });
    expect(await plugin.write(batch, { ...first, attempt: 2 })).toEqual({ outcome: 'retry', reason: `${full}: ENOSPC: no space left on device, write` });

    // The path is fixed (here: the device gives way to a plain file); the next retry opens it anew.
    unlinkSync(full);
    expect(await plugin.write(batch, { ...first, attempt: 3 })).toEqual({ outcome: 'written' });
    expect(await plugin.write([newMetric('cpu', { usage: 2.5 }, { host: 'h' }, 2000)], writeContext())).toEqual({ outcome: 'written' });
    await plugin.close!();
    const expected = 'cpu,host=h usage=1.5 1000000000\ncpu,host=h usage=2.5 2000000000\n';
    expect(readFileSync(good, 'utf8')).toBe(expected);
    expect(readFileSync(full, 'utf8')).toBe(expected);
  });

  it('rejects a batch that has no JSON form (a bigint attribute from an input that ignores the types)', async () => {
    const path = join(dir, 'bigint.json');
    const { plugin } = createOutput(file, { files: [path], data_format: 'json' });
    await plugin.connect!();
    const record = newLogRecord({ level: 'info', message: 'x', timestamp: 0, attributes: { n: 5n as unknown as number } });
    expect(await plugin.write([record], writeContext())).toEqual({ outcome: 'rejected', reason: 'cannot serialize the batch as json: Do not know how to serialize a BigInt' });
    await plugin.close!();
    expect(readFileSync(path, 'utf8')).toBe('');
  });

  it('re-creates a file whose folder was removed, and says so once', async () => {
    const folder = join(dir, 'gone');
    mkdirSync(folder);
    const path = join(folder, 'x.out');
    const { plugin, ctx } = createOutput(file, { files: [path] });
    await plugin.connect!();
    await plugin.write([newMetric('m', { v: 1 }, {}, 1000)], writeContext());
    rmSync(folder, { recursive: true });
    expect(await plugin.write([newMetric('m', { v: 2 }, {}, 2000)], writeContext())).toEqual({ outcome: 'written' });
    expect(await plugin.write([newMetric('m', { v: 3 }, {}, 3000)], writeContext())).toEqual({ outcome: 'written' });
    await plugin.close!();
    expect(readFileSync(path, 'utf8')).toBe('m v=2 2000000000\nm v=3 3000000000\n');
    expect(ctx.ring.entries().map((e) => `${e.level} ${e.message}`)).toEqual([`warn ${path} was removed (or its folder was): re-creating it`]);
  });

  it('a file renamed away (rotated) is written anew under its name', async () => {
    const path = join(dir, 'rotated.out');
    const { plugin } = createOutput(file, { files: [path] });
    await plugin.connect!();
    await plugin.write([newMetric('m', { v: 1 }, {}, 1000)], writeContext());
    writeFileSync(path + '.1', readFileSync(path));
    unlinkSync(path);
    await plugin.write([newMetric('m', { v: 2 }, {}, 2000)], writeContext());
    await plugin.close!();
    expect(readFileSync(path + '.1', 'utf8')).toBe('m v=1 1000000000\n');
    expect(readFileSync(path, 'utf8')).toBe('m v=2 2000000000\n');
  });

  it('a disk filling up part-way through a batch leaves whole lines only', () => {
    // A real partial write: the child may write at most 2 KiB to a file (ulimit -f), as on a full disk.
    const path = join(dir, 'partial.out');
    const plugin = fileURLToPath(new URL('../dist/index.js', import.meta.url));
    const script = `import { newMetric } from '@vigil/core';
import { createOutput, writeContext } from '@vigil/core/testing';
import file from ${JSON.stringify(plugin)};
const { plugin } = createOutput(file, { files: [${JSON.stringify(path)}] });
await plugin.connect();
const batch = (from, count) => Array.from({ length: count }, (_, i) => newMetric('line', { n: from + i, pad: 'x'.repeat(40) }, {}, 1000));
const results = [];
results.push((await plugin.write(batch(0, 10), writeContext())).outcome);
results.push((await plugin.write(batch(10, 100), writeContext())).outcome);
results.push((await plugin.write(batch(110, 5), writeContext())).outcome);
await plugin.close();
console.log(JSON.stringify(results));
`;
    const run = spawnSync('bash', ['-c', `trap "" XFSZ; ulimit -f 2; exec "$0" --input-type=module -e "$1"`, process.execPath, script], { cwd: fileURLToPath(new URL('..', import.meta.url)), encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual(['written', 'retry', 'written']);
    const numbers = readFileSync(path, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => /^line n=(\d+),pad="x{40}" 1000000000$/.exec(line)?.[1]);
    expect(numbers).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '110', '111', '112', '113', '114']);
  });
});
