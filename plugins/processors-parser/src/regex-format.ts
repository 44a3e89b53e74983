import type { Fields, Matcher, Tags } from '@vigil/core';
import type { ParsedValues } from './parsed-values.js';

/** Named groups of a regular expression: each a string field, or a tag with `tag_keys`. */
export function parseWithRegex(text: string, regex: RegExp, tagKeys?: Matcher): ParsedValues[] {
  const groups = regex.exec(text)?.groups;
  if (!groups) throw new Error('regex: the text does not match');
  const tags: Tags = {};
  const fields: Fields = {};
  for (const [key, value] of Object.entries(groups)) {
    if (value === undefined) continue;
    if (tagKeys?.(key)) tags[key] = value;
    else fields[key] = value;
  }
  return [{ tags, fields }];
}
