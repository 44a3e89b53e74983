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
      description: 'Files to follow: paths or globs (`*` matches within one directory, `**` across directories, `?` one character, `[abc]` / `[!abc]` a class, `{a,b}` alternatives). Relative paths are taken from the working directory. Globs are expanded again every `interval`, and at once when a watched directory gains a file.',
    },
    initial_read_offset: {
      type: 'string',
      enum: ['beginning', 'end', 'saved-or-beginning', 'saved-or-end'],
      default: 'saved-or-end',
      description: 'Where a file found at start is read from (Telegraf\'s names): "beginning", "end", or where the last run left off (positions are kept in `[agent] statefile`) and otherwise its beginning or end ("saved-or-beginning", "saved-or-end"). Files that appear while running are always read from their beginning.',
    },
    watch_method: {
      type: 'string',
      enum: ['inotify', 'poll'],
      default: 'inotify',
      description: 'How changes are noticed: "inotify" watches the directories of the files; "poll" checks every file every 250 ms (network file systems such as NFS, where inotify sees nothing). A directory that cannot be watched is polled.',
    },
    format: {
      type: 'string',
      enum: ['auto', 'json', 'logfmt', 'syslog', 'clf', 'plain'],
      default: 'auto',
      description: 'How lines are parsed: "auto" tells each line\'s format by how it starts; "json", "logfmt", "syslog", "clf" or "plain" force one. A line the forced format does not fit is read as plain text, so nothing is dropped.',
    },
    multiline_pattern: {
      type: 'string',
      default: '',
      description: 'A regular expression matching the first line of a record; a line that does not match continues the previous record (joined with a newline), e.g. `\'^\\d{4}-\'` for stack traces under dated lines. A record still open is handed on when the next one starts or when its file has been quiet for `flush_interval`. Empty: every line is a record.',
    },
    max_line_bytes: {
      type: 'integer',
      minimum: 16,
      default: 65536,
      description: 'Longest line in bytes (at least 16). A longer line is left out, and reported once per file; a multi-line record that would grow past it is handed on as it is, and the next line starts a new record.',
    },
    path_tag: {
      type: 'string',
      default: 'path',
      description: 'Name of the tag holding the file\'s path; "" for none. The path is also each record\'s `source`.',
    },
    batch_size: {
      type: 'integer',
      minimum: 1,
      default: 1000,
      description: 'Records handed to the pipeline at a time; each batch is one delivery group, whose files\' saved positions move once it is delivered.',
    },
    max_undelivered_lines: {
      type: 'integer',
      minimum: 1,
      default: 1000,
      description: 'Most records handed to the pipeline and not yet delivered (written by every output that took them, or stored in a disk buffer; a multi-line record counts once); reading waits while this many are, and goes on as they are delivered. Telegraf\'s name and default. Keep it at least the outputs\' `metric_batch_size`: an output writes early only when it has a full batch, otherwise at its `flush_interval`. See "Delivery and positions" below.',
    },
    fingerprint_lines: {
      type: 'integer',
      minimum: 1,
      default: 1,
      description: 'Lines at the start of a file (after `ignored_header_bytes`) whose checksum tells which file it is, whatever its name or inode: a rotated copy is known as the file already read. Raise it when files begin with the same line (a banner). See "How files are identified" below.',
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
      description: 'Zone of timestamps written without one (syslog\'s `Nov 23 07:00:01`, Python\'s `2026-11-23 07:00:01,123`): "UTC", or "Local" for the agent\'s zone (`TZ`).',
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
