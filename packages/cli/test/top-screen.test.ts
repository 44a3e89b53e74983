import type { EngineStatus, OutputStatus } from '@vigil/core/status-api';
import { renderTop } from '../src/top-screen.js';

const output = (id: string, over: Partial<OutputStatus>): OutputStatus => ({
  id,
  plugin: id.split(':')[0],
  alias: null,
  state: 'ok',
  reasons: [],
  buffer: { strategy: 'memory', items: 0, bytes: 0, limit: 10000, maxBytes: null, whenFull: 'drop_oldest', fill: 0, oldestAgeSeconds: null },
  added: 0,
  written: 0,
  dropped: 0,
  rejected: 0,
  filtered: 0,
  kept: 0,
  errors: 0,
  retries: 0,
  writeSecondsTotal: 0,
  lastSuccessAt: null,
  consecutiveFailures: 0,
  lastError: null,
  lastErrorAt: null,
  retryAt: null,
  ...over,
});

function doc(gathered: number, written: number, over: Partial<EngineStatus> = {}): EngineStatus {
  return {
    status: 'failing',
    state: 'running',
    reasons: ['outputs.http:central: 3 tries in a row failed; last: write of 10 items failed: http://collector.example.com:8080/write answered HTTP 503'],
    version: '1.2.3',
    hostname: 'web-01',
    pid: 1,
    startedAt: '2026-01-01T00:00:00.000Z',
    uptimeSeconds: 3723,
    configs: [],
    policy: {},
    agent: { gathered, written, dropped: 0, rejected: 0, filtered: 0, gatherErrors: 0, gatherTimeouts: 0, logErrors: 0, logWarnings: 0 },
    inputs: [{ id: 'inputs.system', plugin: 'inputs.system', alias: null, state: 'ok', reasons: [], gathered, errors: 0, gatherTimeouts: 0, gathersSkipped: 0, gatherSecondsTotal: 0, lastGatherAt: null, lastGatherDurationSeconds: null, lastError: null, lastErrorAt: null }],
    // A filter that lets through as many as the file output writes.
    processors: [{ id: 'processors.filter', plugin: 'processors.filter', alias: null, received: gathered, emitted: written, dropped: gathered - written, errors: 2, processSecondsTotal: 0, lastError: null, lastErrorAt: null }],
    outputs: [
      output('outputs.file:local', { added: gathered, written }),
      output('outputs.http:a-rather-long-alias-for-the-central-collector', { state: 'failing', added: gathered, written: 0, errors: 3, buffer: { strategy: 'disk', items: 4500, bytes: 1, limit: 5000, maxBytes: 10, whenFull: 'block', fill: 0.9, oldestAgeSeconds: 1 } }),
    ],
    ...over,
  };
}

describe('the vigil top screen', () => {
  it('shows items/s from two polls, errors, buffer and state per plugin, within 80 columns', () => {
    const lines = renderTop({ doc: doc(40, 30), at: 12_000 }, { doc: doc(10, 10), at: 10_000 }, { width: 80, url: 'http://127.0.0.1:8686', live: false });
    expect(lines[0]).toMatch(/^vigil 1\.2\.3 on web-01 · up 1h2m3s · FAILING · running +\d\d:\d\d:\d\d$/);
    // Cut to 79 columns, so the terminal never wraps the line.
    expect(lines[1]).toBe('  outputs.http:central: 3 tries in a row failed; last: write of 10 items faile…');
    expect(lines[1]).toHaveLength(79);
    expect(lines.slice(3, 8).map((l) => l.trimEnd())).toEqual([
      'PLUGIN                            STATE       IN/s   OUT/s  ERRORS       BUFFER',
      'inputs.system                     ok          15.0       -       0',
      'processors.filter                 -           15.0    10.0       2',
      'outputs.file:local                ok          15.0    10.0       0         0 0%',
      'outputs.http:a-rather-long-alias… failing     15.0     0.0       3     4500 90%',
    ]);
    expect(lines.at(-1)!.trimEnd()).toBe('http://127.0.0.1:8686');
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThan(80);
  });

  it('shows no rate before a second poll, nor across a reload that restarted the counters', () => {
    const first = renderTop({ doc: doc(40, 30), at: 1_000 }, undefined, { width: 80, url: 'u', live: false });
    expect(first.find((l) => l.startsWith('inputs.system'))).toMatch(/^inputs\.system\s+ok\s+…\s+-\s+0\s*$/);
    const reloaded = renderTop({ doc: doc(2, 1), at: 2_000 }, { doc: doc(40, 30), at: 1_000 }, { width: 80, url: 'u', live: false });
    expect(reloaded.find((l) => l.startsWith('outputs.file:local'))).toMatch(/^outputs\.file:local\s+ok\s+…\s+…\s/);
  });

  it('colours the states in a terminal, and says when the API cannot be read', () => {
    const live = renderTop({ doc: doc(1, 1), at: 1 }, undefined, { width: 100, url: 'u', live: true });
    expect(live.join('\n')).toContain('\x1b[31mfailing ');
    const down = renderTop(undefined, undefined, { width: 80, url: 'http://127.0.0.1:9', live: true, problem: 'ECONNREFUSED' });
    expect(down.map((l) => l.replace(/\x1b\[[\d;]*m/g, '').trimEnd())).toContain('cannot read the status: ECONNREFUSED');
  });
});
