import type { Item } from '../model/item.js';
import { compileGlobs, type Matcher } from './glob.js';

/** Telegraf's metric selectors and modifiers, as configured on any plugin. */
export interface SelectorOptions {
  namepass?: string[];
  namedrop?: string[];
  tagpass?: Record<string, string[]>;
  tagdrop?: Record<string, string[]>;
  fieldinclude?: string[];
  fieldexclude?: string[];
  taginclude?: string[];
  tagexclude?: string[];
  /** Tags taginclude/tagexclude leave alone ([agent] always_include_local_tags, always_include_global_tags). */
  keptTags?: string[];
}

export const SELECTOR_OPTION_NAMES = [
  'namepass',
  'namedrop',
  'tagpass',
  'tagdrop',
  'fieldinclude',
  'fieldexclude',
  'taginclude',
  'tagexclude',
] as const;

type TagMatchers = [string, Matcher][];

function tagMatchers(table: Record<string, string[]> | undefined): TagMatchers | undefined {
  if (!table || Object.keys(table).length === 0) return undefined;
  return Object.entries(table).map(([k, globs]) => [k, compileGlobs(globs)]);
}

function anyTagMatches(item: Item, matchers: TagMatchers): boolean {
  for (const [key, match] of matchers) {
    const v = item.tags[key];
    if (v !== undefined && match(v)) return true;
  }
  return false;
}

/**
 * Compiled selectors. `selects` decides whether an item is chosen (namepass/namedrop,
 * tagpass/tagdrop); `modify` applies the include/exclude modifiers in place and returns false
 * when a metric is left with no field. Field modifiers concern metrics only; log records
 * keep their attributes.
 */
export class Selector {
  readonly isEmpty: boolean;
  readonly modifies: boolean;
  private readonly namePass?: Matcher;
  private readonly nameDrop?: Matcher;
  private readonly tagPass?: TagMatchers;
  private readonly tagDrop?: TagMatchers;
  private readonly fieldInclude?: Matcher;
  private readonly fieldExclude?: Matcher;
  private readonly tagInclude?: Matcher;
  private readonly tagExclude?: Matcher;
  private readonly keptTags: Set<string>;

  constructor(o: SelectorOptions) {
    const globs = (list?: string[]) => (list && list.length > 0 ? compileGlobs(list) : undefined);
    this.namePass = globs(o.namepass);
    this.nameDrop = globs(o.namedrop);
    this.tagPass = tagMatchers(o.tagpass);
    this.tagDrop = tagMatchers(o.tagdrop);
    this.fieldInclude = globs(o.fieldinclude);
    this.fieldExclude = globs(o.fieldexclude);
    this.tagInclude = globs(o.taginclude);
    this.tagExclude = globs(o.tagexclude);
    this.keptTags = new Set(o.keptTags);
    this.modifies = !!(this.fieldInclude || this.fieldExclude || this.tagInclude || this.tagExclude);
    this.isEmpty = !this.modifies && !this.namePass && !this.nameDrop && !this.tagPass && !this.tagDrop;
  }

  selects(item: Item): boolean {
    if (this.namePass && !this.namePass(item.name)) return false;
    if (this.nameDrop && this.nameDrop(item.name)) return false;
    if (this.tagPass && !anyTagMatches(item, this.tagPass)) return false;
    if (this.tagDrop && anyTagMatches(item, this.tagDrop)) return false;
    return true;
  }

  modify(item: Item): boolean {
    if (this.tagInclude || this.tagExclude) {
      for (const k of Object.keys(item.tags)) {
        if (this.keptTags.has(k)) continue;
        if ((this.tagInclude && !this.tagInclude(k)) || (this.tagExclude && this.tagExclude(k))) delete item.tags[k];
      }
    }
    if (item.kind !== 'metric' || !(this.fieldInclude || this.fieldExclude)) return true;
    for (const k of Object.keys(item.fields)) {
      if ((this.fieldInclude && !this.fieldInclude(k)) || (this.fieldExclude && this.fieldExclude(k))) delete item.fields[k];
    }
    for (const _ in item.fields) return true;
    return false;
  }
}
