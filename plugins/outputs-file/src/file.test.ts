import { mkdtempSync, readFileSync, symlinkSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
});
