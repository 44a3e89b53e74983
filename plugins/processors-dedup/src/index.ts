import { defineProcessor, DropSummary, fieldNames, getField, readSample, type Item } from '@vigil/core';
import { cachedFrom, loadCache, saveCache, seriesKey, type CachedSeries } from './series-cache.js';

interface DedupOptions {
  /** Milliseconds. */
  dedup_interval: number;
}

type Verdict = 'new' | 'changed' | 'merged' | 'repeat';

/**
 * Telegraf's comparison: a field whose value differs from the cached one is a change. A field
 * the cache lacks is merged into it when the item has the cached item's time (one input writing
 * a series in parts), and otherwise ignored, so an item that only adds fields is a repeat.
 */
function compare(item: Item, cached: CachedSeries): Verdict {
  const sameTime = item.timestamp === cached.timestamp;
  let added = false;
  for (const key of fieldNames(item)) {
    const value = getField(item, key)!;
    if (cached.fields.has(key)) {
      if (cached.fields.get(key) !== value) return 'changed';
    } else if (sameTime) {
      cached.fields.set(key, value);
      added = true;
    }
  }
  return added ? 'merged' : 'repeat';
}

export default defineProcessor<DedupOptions>({
  name: 'dedup',
  description: 'Drops repeats of a series whose values have not changed within dedup_interval',
  sample: readSample(import.meta.url),
  schema: {
    type: 'object',
    properties: {
      dedup_interval: { duration: true, default: '10m', description: 'The longest a series with unchanged values is held back.' },
    },
  },
  create({ options, log, state }) {
    const interval = options.dedup_interval;
    const cache = loadCache(state.load());
    const drops = new DropSummary(log);
    let lastCleanup = Date.now();

    // Like Telegraf, age is the cached item's own time against the clock, so replayed old
    // items are never held back.
    const expired = (c: CachedSeries, now: number) => now - c.timestamp >= interval;

    const cleanup = (now: number) => {
      if (now - lastCleanup < interval) return;
      lastCleanup = now;
      for (const [key, c] of cache) if (expired(c, now)) cache.delete(key);
      state.save(saveCache(cache));
    };

    return {
      process(item) {
        const now = Date.now();
        const key = seriesKey(item);
        const cached = cache.get(key);
        const verdict: Verdict = !cached || expired(cached, now) ? 'new' : compare(item, cached);
        cleanup(now);
        if (verdict === 'repeat') {
          drops.count('repeating unchanged values');
          return null;
        }
        if (verdict !== 'merged') cache.set(key, cachedFrom(item));
        return item;
      },
      close() {
        drops.flush();
        state.save(saveCache(cache));
      },
    };
  },
});
