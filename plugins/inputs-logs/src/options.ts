import type { OptionProblem, OptionsSchema } from '@vigil/core';
import type { LineFormat } from './formats/index.js';
import type { InitialReadOffset } from './saved-state.js';
import type { TimeZoneOption } from './timestamps.js';

export interface LogsOptions {
  files: string[];
  initial_read_offset: InitialReadOffset;
  watch_method: 'inotify' | 'poll';
  format: LineFormat;
  multiline_pattern: string;
  max_line_bytes: number;
  path_tag: string;
  batch_size: number;
  max_undelivered_lines: number;
  fingerprint_lines: number;
  fingerprint_bytes: number;
  ignored_header_bytes: number;
  /** Milliseconds. */
  flush_interval: number;
  timezone: TimeZoneOption;
}

export const schema: OptionsSchema = {
  type: 'object',
  required: ['files'],
  properties: {
    files: {
      type: 'array',
      items: { type: 'string', minLength: 1 },
      minItems: 1,
      description: 'Files to follow: paths or globs (`*` within a directory, `**` across directories, `?`, `[abc]`, `{a,b}`). Globs are expanded again every interval, and at once when a watched directory gains a file.',
    },
    initial_read_offset: {
      type: 'string',
      enum: ['beginning', 'end', 'saved-or-beginning', 'saved-or-end'],
      default: 'saved-or-end',
      description: 'Where a file found at start is read from: its beginning, its end, or where the last run left off (kept in `[agent] statefile`) and otherwise its beginning or end. Files that appear later are always read from their beginning.',
    },
    watch_method: {
      type: 'string',
      enum: ['inotify', 'poll'],
      default: 'inotify',
      description: 'How changes are noticed: "inotify" (directory watches) or "poll" (every 250 ms, for file systems without inotify such as NFS).',
    },
    format: {
      type: 'string',
      enum: ['auto', 'json', 'logfmt', 'syslog', 'clf', 'plain'],
      default: 'auto',
      description: 'How lines are parsed; "auto" tells each line\'s format from how it starts. A line that does not fit the chosen format is read as plain text.',
    },
    multiline_pattern: {
      type: 'string',
      default: '',
      description: 'A regular expression matching the first line of a record; a line that does not match continues the previous record (stack traces). Empty: every line is a record.',
    },
    max_line_bytes: {
      type: 'integer',
      minimum: 16,
      default: 65536,
      description: 'Longest line (or multi-line record) in bytes; a longer line is left out and reported once per file.',
    },
    path_tag: {
      type: 'string',
      default: 'path',
      description: 'Tag holding the file\'s path; empty for none.',
    },
    batch_size: {
      type: 'integer',
      minimum: 1,
      default: 1000,
      description: 'Records handed to the pipeline at a time.',
    },
    max_undelivered_lines: {
      type: 'integer',
      minimum: 1,
      default: 1000,
      description: 'Most records handed to the pipeline and not yet delivered (written by every output that took them, or stored in a disk buffer; a multi-line record counts once); reading waits while this many are. Telegraf\'s name and default.',
    },
    fingerprint_lines: {
      type: 'integer',
      minimum: 1,
      default: 1,
      description: 'Lines at the start of a file (after `ignored_header_bytes`) whose checksum tells which file it is, whatever its name or inode: a rotated copy is known as the file already read. Raise it when files begin with the same line (a banner).',
    },
    fingerprint_bytes: {
      type: 'integer',
      minimum: 1,
      maximum: 65536,
      default: 256,
      description: 'Most bytes the fingerprint covers: `fingerprint_lines` lines or this many bytes, whichever is shorter. A new file is read once it holds that much.',
    },
    ignored_header_bytes: {
      type: 'integer',
      minimum: 0,
      maximum: 65536,
      default: 0,
      description: 'Bytes at the start of every file left out of the fingerprint: a fixed-size header that all files share.',
    },
    flush_interval: {
      type: 'string',
      duration: true,
      default: '1s',
      description: 'How long a multi-line record waits for its next line, and the longest a partial batch waits while reading goes on (one is handed on at once when every file has been read to its end).',
    },
    timezone: {
      type: 'string',
      enum: ['UTC', 'Local'],
      default: 'UTC',
      description: 'Zone of timestamps written without one (syslog\'s `Nov 23 07:00:01`, Python\'s `2026-11-23 07:00:01,123`).',
    },
  },
};

export function checkOptions(options: LogsOptions): OptionProblem[] {
  const problems: OptionProblem[] = [];
  if (options.multiline_pattern) {
    try {
      new RegExp(options.multiline_pattern);
    } catch (err) {
      problems.push({ option: 'multiline_pattern', message: `option "multiline_pattern" is not a valid regular expression: ${(err as Error).message}` });
    }
  }
  return problems;
}
