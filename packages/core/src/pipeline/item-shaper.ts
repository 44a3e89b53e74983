import type { Item } from '../model/item.js';
import type { CommonOptions } from '../config/model.js';

/** Applies name_override / name_prefix / name_suffix; a no-op function when none is set. */
export function nameShaper(common: CommonOptions): ((item: Item) => void) | undefined {
  const { name_override: override, name_prefix: prefix = '', name_suffix: suffix = '' } = common;
  if (!override && !prefix && !suffix) return undefined;
  return (item) => {
    item.name = prefix + (override || item.name) + suffix;
  };
}

/**
 * Adds tags an item doesn't already carry: the input's own `tags`, then [global_tags],
 * then `host`, the precedence Telegraf gives them.
 */
export function tagAdder(tagSets: Record<string, string>[]): ((item: Item) => void) | undefined {
  const merged: Record<string, string> = {};
  for (const set of tagSets) for (const [k, v] of Object.entries(set)) if (!(k in merged)) merged[k] = v;
  const entries = Object.entries(merged);
  if (entries.length === 0) return undefined;
  return (item) => {
    const tags = item.tags;
    for (const [k, v] of entries) if (tags[k] === undefined) tags[k] = v;
  };
}
