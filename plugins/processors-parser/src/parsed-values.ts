import type { Fields, Tags } from '@vigil/core';

/** What a format makes of one text: one or more of these, turned into metrics or merged. */
export interface ParsedValues {
  /** The measurement the text names (influx, json_name_key); the item's own name otherwise. */
  name?: string;
  tags: Tags;
  fields: Fields;
  /** Milliseconds since the epoch, when the text carries a time. */
  timestamp?: number;
}

/** A format: throws an Error whose message says what in the text was not understood. */
export type Format = (text: string) => ParsedValues[];
