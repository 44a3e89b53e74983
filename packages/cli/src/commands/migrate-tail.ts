/**
 * Telegraf's `[[inputs.tail]]` as vigil's `[[inputs.logs]]`. Telegraf parses each line into
 * metrics with a `data_format`; inputs.logs turns each line into a log record, parsed by
 * `format`. The line formats both understand are carried over; the others are not.
 */

/** Options every input takes, carried as they are. */
const COMMON_INPUT_OPTIONS = new Set(['alias', 'interval', 'collection_jitter', 'collection_offset', 'precision', 'tags', 'name_override', 'name_prefix', 'name_suffix', 'namepass', 'namedrop', 'tagpass', 'tagdrop', 'fieldinclude', 'fieldexclude', 'fieldpass', 'fielddrop', 'taginclude', 'tagexclude']);

/** Options with the same name and meaning in both. */
const SAME_OPTIONS = new Set(['files', 'initial_read_offset', 'watch_method', 'max_undelivered_lines', 'path_tag']);

/** Parser options that only refine what `data_format` decides; handled with it. */
const PARSER_OPTIONS = /^(data_format|data_type|grok_.*|json_.*|logfmt_.*|value_.*|csv_.*|influx_.*)$/;

const CLF_GROK = /%\{(COMMON|COMBINED)_LOG_FORMAT\}/;

export type TailMigration = { logs: Record<string, unknown>; notes: string[] } | { reason: string };

function lineFormat(tail: Record<string, unknown>): { format: string } | { reason: string } {
  const dataFormat = String(tail.data_format ?? 'influx');
  if (dataFormat === 'json' || dataFormat === 'json_v2') return { format: 'json' };
  if (dataFormat === 'logfmt') return { format: 'logfmt' };
  if (dataFormat === 'grok') {
    const patterns = (tail.grok_patterns as string[] | undefined) ?? [];
    if (patterns.length > 0 && patterns.every((p) => CLF_GROK.test(p))) return { format: 'clf' };
    return { reason: 'grok patterns other than %{COMMON_LOG_FORMAT} / %{COMBINED_LOG_FORMAT} have no vigil equivalent' };
  }
  if (dataFormat === 'value' && tail.data_type === 'string') return { format: 'plain' };
  return { reason: `data_format "${dataFormat}" turns lines into metrics; vigil's inputs.logs turns them into log records (json, logfmt, syslog, clf or plain)` };
}

/**
 * Telegraf's multiline (`pattern` with `match_which_line`, `invert_match`) as vigil's
 * `multiline_pattern`, which matches the first line of a record.
 */
function multilinePattern(multiline: Record<string, unknown>): { pattern: string } | { note: string } {
  const pattern = String(multiline.pattern ?? '');
  if (!pattern) return { pattern: '' };
  if ((multiline.match_which_line ?? 'previous') !== 'previous') return { note: 'multiline with match_which_line = "next" was left out: vigil matches the first line of a record' };
  // "previous" joins matching lines to the line before; inverted, a matching line starts a record.
  if (multiline.invert_match) return { pattern };
  return { pattern: pattern.startsWith('^') ? `^(?!${pattern.slice(1)})` : `^(?![\\s\\S]*?(?:${pattern}))` };
}

export function migrateTail(tail: Record<string, unknown>): TailMigration {
  const format = lineFormat(tail);
  if ('reason' in format) return format;
  const logs: Record<string, unknown> = {};
  const notes: string[] = [];
  const left: string[] = [];
  for (const [key, value] of Object.entries(tail)) {
    if (SAME_OPTIONS.has(key) || COMMON_INPUT_OPTIONS.has(key)) logs[key] = value;
    else if (key === 'from_beginning') {
      if (tail.initial_read_offset === undefined) logs.initial_read_offset = value ? 'beginning' : 'saved-or-end';
    } else if (key === 'multiline') {
      const m = multilinePattern(value as Record<string, unknown>);
      if ('note' in m) notes.push(m.note);
      else if (m.pattern) logs.multiline_pattern = m.pattern;
    } else if (!PARSER_OPTIONS.test(key)) left.push(key);
  }
  logs.format = format.format;
  if (left.length > 0) notes.push(`left out (no inputs.logs equivalent): ${left.join(', ')}`);
  return { logs, notes };
}
