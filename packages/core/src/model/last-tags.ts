import type { Tags } from './item.js';

/**
 * Remembers the tags of the last item serialized, so that the next one can be told to carry
 * the same (items of one file or one source nearly always do) by one pass over its keys,
 * and the text made for them reused.
 */
export class LastTags {
  /** Keys and values in turn, in the order `for…in` gave them. */
  private readonly entries: string[] = [];
  private known = false;

  /** Whether `tags` holds the same keys, values and order as those remembered. */
  matches(tags: Tags): boolean {
    if (!this.known) return false;
    const entries = this.entries;
    let i = 0;
    for (const k in tags) {
      if (entries[i] !== k || entries[i + 1] !== tags[k]) return false;
      i += 2;
    }
    return i === entries.length;
  }

  remember(tags: Tags): void {
    const entries = this.entries;
    entries.length = 0;
    for (const k in tags) entries.push(k, tags[k]);
    this.known = true;
  }
}
