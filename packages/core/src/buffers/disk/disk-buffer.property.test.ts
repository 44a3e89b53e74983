import fc from 'fast-check';
import type { BufferedBatch, WhenFull } from '../buffer.js';
import type { DiskBuffer } from './disk-buffer.js';
import { numbered, numbersOf, openTestBuffer, receipt, removeTempDirs, tempDir, waitFor } from './test-support.js';

afterEach(removeTempDirs);

type Op = { op: 'add'; n: number } | { op: 'next'; max: number } | { op: 'remove' } | { op: 'restart' } | { op: 'crash' };

const ops = fc.array(
  fc.oneof(
    { arbitrary: fc.record({ op: fc.constant('add' as const), n: fc.integer({ min: 1, max: 25 }) }), weight: 4 },
    { arbitrary: fc.record({ op: fc.constant('next' as const), max: fc.integer({ min: 1, max: 12 }) }), weight: 3 },
    { arbitrary: fc.constant({ op: 'remove' as const }), weight: 3 },
    { arbitrary: fc.constant({ op: 'restart' as const }), weight: 1 },
    { arbitrary: fc.constant({ op: 'crash' as const }), weight: 1 },
  ),
  { maxLength: 30 },
);
const settings = fc.record({
  limit: fc.integer({ min: 3, max: 40 }),
  whenFull: fc.constantFrom<WhenFull>('drop_oldest', 'drop_newest', 'block'),
  segmentBytes: fc.integer({ min: 200, max: 3000 }),
  syncIntervalMs: fc.constantFrom(0, 20),
});

/**
 * What the buffer should hold, kept the simplest way: every number added and not yet
 * acknowledged or dropped, oldest first, and the batch at the front that is offered until
 * removed. A batch is "formed ahead" by remove when a full one of the last size asked waits
 * (given up by a drop or another size); one formed ahead, or in flight, is offered first after
 * a restart.
 */
class Model {
  held: number[] = [];
  open?: { numbers: number[]; id?: string; handedOut: boolean; aheadMax?: number };
  lastMax = 0;
  added = 0;
  drops: Record<string, number> = {};
  readonly ids = new Map<number, string>();
  readonly batchIds = new Set<string>();

  add(limit: number, whenFull: WhenFull): boolean {
    const n = ++this.added;
    if (this.held.length >= limit) {
      if (whenFull === 'drop_oldest' && this.open?.aheadMax !== undefined) this.open = undefined;
      const protectedCount = this.open?.numbers.length ?? 0;
      if (whenFull !== 'drop_oldest' || this.held.length === protectedCount) {
        this.drops.newest = (this.drops.newest ?? 0) + 1;
        return false;
      }
      this.held.splice(protectedCount, 1);
      this.drops.oldest = (this.drops.oldest ?? 0) + 1;
    }
    this.held.push(n);
    return true;
  }
}

function checkBatch(model: Model, batch: BufferedBatch | undefined, numbers: number[]): void {
  if (numbers.length === 0) return expect(batch).toBeUndefined();
  expect(batch).toBeDefined();
  expect(numbersOf(batch!.items)).toEqual(numbers);
  expect(batch!.items).toEqual(numbers.map(numbered));
  numbers.forEach((n, i) => {
    const id = batch!.itemIds[i]!;
    if (!model.ids.has(n)) model.ids.set(n, id);
    expect(id).toBe(model.ids.get(n));
  });
  expect(new Set(model.ids.values()).size).toBe(model.ids.size);
}

describe('disk buffer against a model', () => {
  it('gives out exactly what went in, less what was acknowledged or dropped, in order, through restarts and crashes', async () => {
    await fc.assert(
      fc.asyncProperty(settings, ops, async (config, steps) => {
        const dir = await tempDir();
        // Drops are counted across every instance opened on the directory.
        const drops: Record<string, number> = {};
        const events = { dropped: (n: number, reason: string) => (drops[reason] = (drops[reason] ?? 0) + n) };
        const options = { ...config, maxBytes: 1 << 30, events };
        let buffer: DiskBuffer = (await openTestBuffer(dir, options)).buffer;
        const model = new Model();
        let current: BufferedBatch | undefined;

        const next = async (max: number) => {
          const batch = await buffer.nextBatch(max);
          const open = model.open;
          if (open && (open.handedOut || open.aheadMax === undefined || open.aheadMax === max)) {
            checkBatch(model, batch, open.numbers);
            if (open.id !== undefined) expect(batch!.id).toBe(open.id);
            else {
              expect(model.batchIds.has(batch!.id)).toBe(false);
              open.id = batch!.id;
              model.batchIds.add(open.id);
            }
            if (!open.handedOut && open.aheadMax === undefined) model.lastMax = max;
            open.handedOut = true;
            open.aheadMax = undefined;
          } else {
            model.open = undefined;
            model.lastMax = max;
            const numbers = model.held.slice(0, max);
            checkBatch(model, batch, numbers);
            if (numbers.length > 0) {
              expect(model.batchIds.has(batch!.id)).toBe(false);
              model.batchIds.add(batch!.id);
              model.open = { numbers, id: batch!.id, handedOut: true };
            }
          }
          current = batch;
        };

        const step = async (s: Op) => {
          switch (s.op) {
            case 'add': {
              const receipts = Array.from({ length: s.n }, () => receipt());
              for (const r of receipts) {
                model.add(config.limit, config.whenFull);
                buffer.add(numbered(model.added), r);
              }
              await waitFor(() => receipts.every((r) => r.settled === true), 'the added items to be stored');
              return;
            }
            case 'next':
              return next(s.max);
            case 'remove': {
              if (!current || !model.open?.handedOut) return;
              await buffer.remove(current);
              model.held.splice(0, model.open.numbers.length);
              model.open = undefined;
              current = undefined;
              if (model.lastMax > 0 && model.held.length >= model.lastMax) {
                model.open = { numbers: model.held.slice(0, model.lastMax), handedOut: false, aheadMax: model.lastMax };
              }
              return;
            }
            case 'restart':
            case 'crash': {
              if (s.op === 'restart') expect(await buffer.close()).toBe(0);
              else await buffer.simulateCrash();
              buffer = (await openTestBuffer(dir, options)).buffer;
              current = undefined;
              model.lastMax = 0;
              if (model.open) model.open = { ...model.open, handedOut: false, aheadMax: undefined };
              return;
            }
          }
        };

        for (const s of steps) {
          await step(s);
          expect(buffer.length).toBe(model.held.length);
          expect(drops).toEqual(model.drops);
        }
        // Drain: everything left comes out, in order, once.
        while (model.held.length > 0) {
          await next(5);
          await step({ op: 'remove' });
        }
        expect(await buffer.nextBatch(5)).toBeUndefined();
        await buffer.close();
        await removeTempDirs();
      }),
      { numRuns: Number(process.env.RUNS ?? 60) },
    );
  });
});
