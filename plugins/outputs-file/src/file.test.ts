import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newLogRecord, newMetric } from '@vigil/core';
import { createOutput } from '@vigil/core/testing';
import file from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-file-'));

describe('outputs.file', () => {
  it('appends line protocol for metrics and log records to every file', async () => {
    const a = join(dir, 'a.out');
    const b = join(dir, 'b.out');
    const { plugin } = createOutput(file, { files: [a, b] });
    await plugin.connect!();
    await plugin.write([newMetric('cpu', { usage: 1.5 }, { host: 'h' }, 1000)]);
    await plugin.write([newLogRecord({ level: 'warn', message: 'low disk', source: '/var/log/x', timestamp: 2000 }, 'logs')]);
    await plugin.close!();
    const expected = 'cpu,host=h usage=1.5 1000000000\nlogs level="warn",message="low disk",source="/var/log/x" 2000000000\n';
    expect(readFileSync(a, 'utf8')).toBe(expected);
    expect(readFileSync(b, 'utf8')).toBe(expected);
  });

  it('writes one JSON object per line with RFC 3339 timestamps', async () => {
    const path = join(dir, 'c.json');
    const { plugin } = createOutput(file, { files: [path], data_format: 'json' });
    await plugin.connect!();
    await plugin.write([newMetric('mem', { used: 10n, ok: true }, {}, 0), newLogRecord({ level: 'error', message: 'x', timestamp: 0, attributes: { code: 7 } })]);
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
});
