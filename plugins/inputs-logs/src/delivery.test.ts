import { appendFileSync, readFileSync, renameSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import type { PluginState } from '@vigil/core';
import { memoryState } from '@vigil/core/testing';
import type { SavedFile, SavedState } from './saved-state.js';
import { messages, openDescriptors, perTest, type Running, waitFor } from './test-support.js';

const { tmp, start, stop } = perTest();

const numbered = (prefix: string, from: number, to: number) => Array.from({ length: to - from }, (_, i) => `${prefix} ${from + i}\n`).join('');
const linesOf = (text: string) => text.split('\n').slice(0, -1);

function identityOf(path: string): string {
  const { dev, ino } = statSync(path);
  return `${dev}:${ino}`;
}

/** What a restart would resume `identity` from: offset and the (up to) 32 bytes before it, as the file held them. */
function positionIn(content: string, lineCount: number): { offset: number; check: string } {
  const bytes = Buffer.from(content);
  const offset = Buffer.byteLength(linesOf(content).slice(0, lineCount).map((l) => `${l}\n`).join(''));
  return { offset, check: bytes.subarray(Math.max(0, offset - 32), offset).toString('hex') };
}

function saved(state: PluginState, identity: string): SavedFile | undefined {
  return (state.load() as SavedState | undefined)?.files.find((f) => f.identity === identity);
}

/** Records handed on whose group has not settled. */
function inFlight(r: Running): number {
  return r.deliveries.groups.filter((g) => g.settled === undefined).reduce((n, g) => n + g.items.length, 0);
}

/**
 * Settles groups as they come until `total` records arrived, as an output writing them would;
 * returns the most records that were ever handed on and unsettled at once.
 */
async function deliverAll(r: Running, total: number): Promise<number> {
  let most = 0;
  while (r.records.length < total || inFlight(r) > 0) {
    await waitFor(() => r.deliveries.groups.some((g) => g.closed && g.settled === undefined), `a group to settle (${r.records.length} of ${total} records so far)`);
    most = Math.max(most, inFlight(r));
    r.deliveries.settle(true);
  }
  return most;
}

describe('positions move only on delivery', () => {
  test('the saved offset stays while groups are pending, moves to the end of the settled ones, stops at an undelivered one; a new instance reads exactly the rest', async () => {
    const file = tmp.path('app.log');
    const content = numbered('line', 0, 100);
    writeFileSync(file, content);
    const identity = identityOf(file);
    const state = memoryState();
    const options = { files: [file], initial_read_offset: 'saved-or-beginning', batch_size: 10 };
    const first = await start(options, { state, holdDeliveries: true });
    await waitFor(() => first.records.length === 100, 'every line handed on');
    expect(first.deliveries.groups.map((g) => g.items.length)).toEqual(Array(10).fill(10));
    expect(saved(state, identity)).toMatchObject({ path: file, identity, offset: 0, check: '' });

    first.deliveries.settle(true, 3);
    expect(saved(state, identity)).toMatchObject({ path: file, identity, ...positionIn(content, 30) });
    first.deliveries.settle(false, 1);
    expect(saved(state, identity)).toMatchObject(positionIn(content, 30));
    // Groups after the undelivered one settle as delivered: the position still stays.
    first.deliveries.settle(true, 2);
    expect(saved(state, identity)).toMatchObject(positionIn(content, 30));
    await stop(first); // four groups still pending, as when the agent is killed

    const second = await start(options, { state });
    await waitFor(() => saved(state, identity)?.offset === content.length, 'the second run to deliver the whole file');
    expect(messages(second.records)).toEqual(linesOf(content).slice(30));
  });

  test('the saved check bytes are those before the delivered offset, not the read one, across a partial batch', async () => {
    const file = tmp.path('app.log');
    writeFileSync(file, '');
    const state = memoryState();
    const r = await start({ files: [file], batch_size: 4 }, { state, holdDeliveries: true });
    const identity = identityOf(file);
    const content = numbered('entry', 0, 6); // one batch of 4, then 2 after flush_interval
    appendFileSync(file, content);
    await waitFor(() => r.deliveries.groups.length === 2 && r.deliveries.groups.every((g) => g.closed), 'both groups');
    expect(r.deliveries.groups.map((g) => g.items.length)).toEqual([4, 2]);
    expect(saved(state, identity)?.offset).toBe(0);
    r.deliveries.settle(true, 1);
    expect(saved(state, identity)).toMatchObject({ path: file, identity, ...positionIn(content, 4) });
    r.deliveries.settle(true, 1);
    expect(saved(state, identity)).toMatchObject({ path: file, identity, ...positionIn(content, 6) });
  });

  test('stop() while reading waits on pending groups resolves at once; groups settled afterwards still move the saved position', async () => {
    const file = tmp.path('app.log');
    const content = numbered('line', 0, 30);
    writeFileSync(file, content);
    const identity = identityOf(file);
    const state = memoryState();
    const options = { files: [file], initial_read_offset: 'saved-or-beginning', batch_size: 10, max_undelivered_lines: 20 };
    const first = await start(options, { state, holdDeliveries: true });
    await waitFor(() => first.records.length === 20, 'twenty lines handed on, the reader waiting for room');
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      stop(first).then(() => 'stopped'),
      new Promise((resolve) => (timer = setTimeout(() => resolve('still stopping after 2 s'), 2000))),
    ]);
    clearTimeout(timer);
    expect(outcome).toBe('stopped');
    expect(saved(state, identity)?.offset).toBe(0);

    // The agent settles them while its outputs flush, after the inputs stopped.
    first.deliveries.settle(true, 1);
    expect(saved(state, identity)).toMatchObject(positionIn(content, 10));
    first.deliveries.settle(false);
    expect(saved(state, identity)).toMatchObject(positionIn(content, 10));
    expect(first.records).toHaveLength(20); // a stopped input reads no more

    const second = await start(options, { state });
    await waitFor(() => saved(state, identity)?.offset === content.length, 'the second run to deliver the rest');
    expect(messages(second.records)).toEqual(linesOf(content).slice(10));
  });
});

describe('max_undelivered_lines', () => {
  test('with 50, a 1,000-line file is handed on 50 records at most before any settles, and arrives whole and once as groups settle', async () => {
    const file = tmp.path('app.log');
    const content = numbered('line', 0, 1000);
    writeFileSync(file, content);
    const r = await start({ files: [tmp.path('*.log')], initial_read_offset: 'beginning', max_undelivered_lines: 50 }, { holdDeliveries: true });
    await waitFor(() => r.records.length >= 50, 'the first 50 records');
    // Other work goes on while reads wait: a new file is found and followed (its position saved).
    writeFileSync(tmp.path('other.log'), 'other 0\n');
    const other = identityOf(tmp.path('other.log'));
    await waitFor(() => saved(r.state, other) !== undefined, 'the new file to be followed');
    expect(r.records).toHaveLength(50);
    expect(r.deliveries.groups.map((g) => g.items.length)).toEqual([50]);

    const most = await deliverAll(r, 1001);
    expect(most).toBe(50);
    expect(messages(r.records).filter((m) => m.startsWith('line'))).toEqual(linesOf(content));
    expect(messages(r.records).filter((m) => m.startsWith('other'))).toEqual(['other 0']);
    expect(saved(r.state, identityOf(file))?.offset).toBe(content.length);
  });

  test('multi-line records are neither cut nor repeated when reading stops for room mid-chunk', async () => {
    const file = tmp.path('app.log');
    const record = (n: number) => `2026-11-23 07:00:01,000 ERROR failure ${n}\nTraceback (most recent call last):\n  ValueError: bad input ${n}\n`;
    const count = 300;
    writeFileSync(file, Array.from({ length: count }, (_, n) => record(n)).join(''));
    const r = await start({ files: [file], initial_read_offset: 'beginning', multiline_pattern: '^\\d{4}-', max_undelivered_lines: 7 }, { holdDeliveries: true });
    const most = await deliverAll(r, count);
    expect(most).toBeLessThanOrEqual(7);
    expect(messages(r.records)).toEqual(Array.from({ length: count }, (_, n) => record(n).slice(0, -1)));
  });

  test('a long backlog of uneven lines, one longer than a read piece, arrives whole, in order and once when reading stops for room mid-chunk', async () => {
    const file = tmp.path('app.log');
    // About 600 kB: several 128 KiB reads, each decoded in 16 KiB pieces, and a 20,000-byte line.
    const line = (n: number) => (n === 700 ? 'long '.repeat(4000) : `line ${n} ${'.'.repeat((n * 37) % 400)}`);
    const count = 3000;
    const content = Array.from({ length: count }, (_, n) => line(n) + '\n').join('');
    writeFileSync(file, content);
    const r = await start({ files: [file], initial_read_offset: 'beginning', max_undelivered_lines: 37, batch_size: 37 }, { holdDeliveries: true });
    const most = await deliverAll(r, count);
    expect(most).toBeLessThanOrEqual(37);
    expect(messages(r.records)).toEqual(Array.from({ length: count }, (_, n) => line(n)));
    await waitFor(() => saved(r.state, identityOf(file))?.offset === content.length, 'the end of the file to be saved');
  });

  test('while reading waits for room, a rename and re-create is followed, and every line of both files arrives once', async () => {
    const file = tmp.path('app.log');
    const old = numbered('old', 0, 200);
    writeFileSync(file, old);
    const r = await start({ files: [file], initial_read_offset: 'beginning', max_undelivered_lines: 10 }, { holdDeliveries: true });
    await waitFor(() => r.records.length === 10, 'the first ten records');
    renameSync(file, `${file}.1`);
    const fresh = numbered('new', 0, 50);
    writeFileSync(file, fresh);
    const identity = identityOf(file);
    await waitFor(() => saved(r.state, identity) !== undefined, 'the new file to be followed while reading waits');
    expect(r.records).toHaveLength(10);
    await deliverAll(r, 250);
    expect(messages(r.records)).toEqual([...linesOf(old), ...linesOf(fresh)]);
  });

  test('while reading waits for room, a truncation is noticed: what is written after it is read from its start', async () => {
    const file = tmp.path('app.log');
    writeFileSync(file, numbered('before', 0, 100));
    const r = await start({ files: [file], initial_read_offset: 'beginning', max_undelivered_lines: 10 }, { holdDeliveries: true });
    await waitFor(() => r.records.length === 10, 'the first ten records');
    truncateSync(file, 0);
    appendFileSync(file, numbered('after', 0, 3));
    await deliverAll(r, 13);
    expect(messages(r.records)).toEqual([...linesOf(numbered('before', 0, 10)), 'after 0', 'after 1', 'after 2']);
    expect(saved(r.state, identityOf(file))).toMatchObject({ offset: statSync(file).size, check: readFileSync(file).toString('hex') });
  });
});

describe('rotation with deliveries pending', () => {
  test('a file renamed away and let go keeps its delivered position in the state; a restart reads none of what was delivered and all of the rest', async () => {
    const file = tmp.path('app.log');
    writeFileSync(file, '');
    const state = memoryState();
    const options = { files: [file], initial_read_offset: 'saved-or-beginning', batch_size: 10 };
    const first = await start(options, { state, holdDeliveries: true });
    const oldIdentity = identityOf(file);
    const old = numbered('old', 0, 25);
    appendFileSync(file, old);
    await waitFor(() => first.records.length === 25, 'the old lines');
    renameSync(file, `${file}.1`);
    const fresh = numbered('new', 0, 15);
    writeFileSync(file, fresh);
    const newIdentity = identityOf(file);
    await waitFor(() => first.records.length === 40, 'the new lines');

    // Deliver the first group only (ten old lines).
    first.deliveries.settle(true, 1);
    expect(saved(state, oldIdentity)).toMatchObject(positionIn(old, 10));
    // Quiet for 5 s, the renamed file is let go with 15 of its lines still undelivered: it stays in the state.
    await waitFor(() => !openDescriptors().some((target) => target.startsWith(`${file}.1`)), 'the renamed file to be let go', 10_000);
    expect(saved(state, oldIdentity)).toMatchObject({ path: file, identity: oldIdentity, ...positionIn(old, 10) });
    expect(saved(state, newIdentity)).toMatchObject({ offset: 0 });
    const delivered = new Set(messages(first.records.slice(0, 10)));
    await stop(first); // the other groups never settle: killed

    const second = await start(options, { state });
    const expected = [...linesOf(old), ...linesOf(fresh)].filter((line) => !delivered.has(line));
    await waitFor(() => second.records.length >= expected.length && saved(state, newIdentity)?.offset === fresh.length, 'the undelivered lines of both files');
    expect(messages(second.records)).toEqual(expected);
  }, 20_000);

  test('once a let-go file is delivered it leaves the state', async () => {
    const file = tmp.path('app.log');
    writeFileSync(file, '');
    const state = memoryState();
    const first = await start({ files: [file], batch_size: 10 }, { state, holdDeliveries: true });
    const oldIdentity = identityOf(file);
    appendFileSync(file, numbered('old', 0, 5));
    await waitFor(() => first.records.length === 5, 'the old lines');
    renameSync(file, `${file}.1`);
    await waitFor(() => !openDescriptors().some((target) => target.startsWith(`${file}.1`)), 'the renamed file to be let go', 10_000);
    expect(saved(state, oldIdentity)).toMatchObject({ offset: 0 });
    first.deliveries.settle(true);
    expect(saved(state, oldIdentity)).toBeUndefined();
  }, 20_000);
});
