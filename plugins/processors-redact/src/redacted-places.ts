import { compileGlobs, type Item, type Matcher } from '@vigil/core';

/**
 * Where `fields` says to look: `message`, `source`, and `attributes.GLOB`, `tags.GLOB`,
 * `fields.GLOB` (a metric's string fields). Only string values are ever changed.
 */
export interface RedactedPlaces {
  message: boolean;
  source: boolean;
  attributes?: Matcher;
  tags?: Matcher;
  fields?: Matcher;
}

const PREFIXES = ['attributes', 'tags', 'fields'] as const;

/** Why an entry of `fields` names no place, or undefined when it does. */
export function placeProblem(entry: string): string | undefined {
  if (entry === 'message' || entry === 'source') return undefined;
  const dot = entry.indexOf('.');
  if (dot > 0 && (PREFIXES as readonly string[]).includes(entry.slice(0, dot)) && dot < entry.length - 1) return undefined;
  return `"${entry}" is not a place to redact; expected "message", "source", "attributes.NAME", "tags.NAME" or "fields.NAME" (NAME may be a glob)`;
}

export function parsePlaces(entries: string[]): RedactedPlaces {
  const globs: Record<(typeof PREFIXES)[number], string[]> = { attributes: [], tags: [], fields: [] };
  for (const entry of entries) {
    const dot = entry.indexOf('.');
    const prefix = entry.slice(0, dot) as (typeof PREFIXES)[number];
    if (dot > 0 && prefix in globs) globs[prefix].push(entry.slice(dot + 1));
  }
  const matcher = (list: string[]) => (list.length > 0 ? compileGlobs(list) : undefined);
  return {
    message: entries.includes('message'),
    source: entries.includes('source'),
    attributes: matcher(globs.attributes),
    tags: matcher(globs.tags),
    fields: matcher(globs.fields),
  };
}

/** Runs `redact` over every selected string value of the item, in place. */
export function redactItem(item: Item, places: RedactedPlaces, redact: (text: string) => string): void {
  if (places.tags) {
    for (const k in item.tags) if (places.tags(k)) item.tags[k] = redact(item.tags[k]);
  }
  if (item.kind === 'metric') {
    if (!places.fields) return;
    for (const k in item.fields) {
      const v = item.fields[k];
      if (typeof v === 'string' && places.fields(k)) item.fields[k] = redact(v);
    }
    return;
  }
  if (places.message) item.message = redact(item.message);
  if (places.source && item.source) item.source = redact(item.source);
  if (places.attributes) {
    for (const k in item.attributes) {
      const v = item.attributes[k];
      if (typeof v === 'string' && places.attributes(k)) item.attributes[k] = redact(v);
    }
  }
}
