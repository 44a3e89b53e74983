import type { OptionsSchema } from '../sdk/plugin.js';

const globList = (description: string) => ({ type: 'array', items: { type: 'string' }, description });
const tagGlobTable = (description: string) => ({
  type: 'object',
  additionalProperties: { type: 'array', items: { type: 'string' } },
  description,
});

/** Buffer options: defaults in [agent], overridden per output. */
function bufferProperties(withDefaults: boolean): Record<string, Record<string, unknown>> {
  const d = (value: unknown) => (withDefaults ? { default: value } : {});
  return {
    buffer_strategy: { enum: ['memory', 'disk'], ...d('memory'), description: '"memory", or "disk": kept in segment files under buffer_directory across restarts and crashes.' },
    buffer_directory: { type: 'string', ...d(''), description: 'Where disk buffers (one folder per output) and rejected batches are kept; "" picks /var/lib/vigil/buffer (root) or ~/.local/state/vigil/buffer.' },
    buffer_max_size: { size: true, ...d('512MiB'), description: 'Most bytes a disk buffer may hold, e.g. "512MiB".' },
    buffer_sync_interval: { duration: true, ...d('1s'), description: 'How often a disk buffer fsyncs what it stored ("0s": every write).' },
    when_full: { enum: ['drop_oldest', 'drop_newest', 'block'], ...d('drop_oldest'), description: 'A full buffer drops its oldest item, the new one, or ("block") makes the inputs that feed it wait.' },
  };
}

/**
 * Most items a buffer may be told to hold: a limit is a promise of memory, and a typo of three
 * zeros must fail at load, not hours later. docs/configuration.md names these maxima.
 */
export const MAX_BUFFER_LIMIT = 10_000_000;
export const MAX_BATCH_SIZE = 1_000_000;

/** `[agent]`, with Telegraf's names and defaults. Durations become milliseconds. */
export const AGENT_SCHEMA: OptionsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    interval: { duration: true, default: '10s', description: 'Default gather interval of every input.' },
    round_interval: { type: 'boolean', default: true, description: 'Align gathers to multiples of the interval (":00, :10, :20 …").' },
    collection_jitter: { duration: true, default: '0s', description: 'Random delay, up to this long, before each gather.' },
    collection_offset: { duration: true, default: '0s', description: 'Shift every gather by this much (":03, :13, :23 …" with "3s").' },
    precision: { duration: true, default: '0s', description: 'Round the timestamps of gathered metrics to this ("1s", "1ms"); "0s" keeps them as they are. Service inputs keep their own.' },
    flush_interval: { duration: true, default: '10s', description: 'Default interval between output writes.' },
    flush_jitter: { duration: true, default: '0s', description: 'Random delay, up to this long, added to each flush.' },
    metric_batch_size: { type: 'integer', minimum: 1, maximum: MAX_BATCH_SIZE, default: 1000, description: 'Items per write.' },
    metric_buffer_limit: { type: 'integer', minimum: 1, maximum: MAX_BUFFER_LIMIT, default: 10000, description: 'Items each output buffers; beyond it the oldest are dropped and counted.' },
    hostname: { type: 'string', default: '', description: 'The `host` tag; the OS hostname when empty.' },
    omit_hostname: { type: 'boolean', default: false, description: 'Do not add the `host` tag.' },
    debug: { type: 'boolean', default: false, description: 'Log at debug level.' },
    quiet: { type: 'boolean', default: false, description: 'Log errors only.' },
    logtarget: { enum: ['file', 'stderr', 'eventlog'], default: 'file', description: 'Telegraf\'s older switch: "stderr" ignores logfile; "file" (and "eventlog", which is Windows only) log to logfile, or stderr when it is empty.' },
    logfile: { type: 'string', default: '', description: 'Log to this file instead of stderr.' },
    logfile_rotation_interval: { duration: true, default: '0s', description: 'Rotate the logfile this long after it was opened; "0s" never.' },
    logfile_rotation_max_size: { size: true, default: '0MB', description: 'Rotate the logfile once it is this large; "0MB" never.' },
    logfile_rotation_max_archives: { type: 'integer', minimum: -1, default: 5, description: 'Rotated logfiles kept, the oldest removed first; -1 keeps every one.' },
    logformat: { enum: ['text', 'structured'], default: 'text', description: '"text" lines or "structured" JSON lines (pino).' },
    structured_log_message_key: { type: 'string', minLength: 1, default: 'msg', description: 'The key of the message in "structured" log lines.' },
    log_with_timezone: { type: 'string', default: '', description: 'Timezone of log timestamps: "" (UTC), "local" or an IANA name.' },
    statefile: { type: 'string', default: '', description: 'File where plugins keep state across restarts (e.g. log offsets).' },
    plugins: { type: 'array', items: { type: 'string' }, default: [], description: 'npm packages that provide third-party plugins.' },
    always_include_local_tags: { type: 'boolean', default: false, description: 'An input\'s own `tags` always pass its taginclude/tagexclude.' },
    always_include_global_tags: { type: 'boolean', default: false, description: '[global_tags] and `host` always pass an input\'s taginclude/tagexclude.' },
    snmp_translator: { type: 'string', default: '', description: 'Accepted for Telegraf configs; no effect (vigil has no SNMP plugins).' },
    skip_processors_after_aggregators: { type: 'boolean', default: false, description: 'Accepted for Telegraf configs; no effect (vigil has no aggregators: processors run once).' },
    skip_processors_before_aggregators: { type: 'boolean', default: false, description: 'Accepted for Telegraf configs; no effect (vigil has no aggregators: processors run once).' },
    plugin_directory: { type: 'string', default: '', description: 'Where `vigil plugins install` puts plugin packages, searched for [agent] plugins; "" picks /var/lib/vigil/plugins (root) or ~/.local/share/vigil/plugins.' },
    shutdown_timeout: { duration: true, default: '10s', description: 'How long a stop waits for outputs to flush.' },
    ...bufferProperties(true),
  },
};

/** `[api]`: the status API. Off unless `listen` is set. */
export const API_SCHEMA: OptionsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    listen: { type: 'string', default: '', description: 'Address of the status API, "HOST:PORT" such as "127.0.0.1:8686"; off when empty.' },
    token: { type: 'string', default: '', secret: true, description: 'When set, every path but /health needs "Authorization: Bearer <token>"; required for a listen address other than loopback.' },
  },
};

const SELECTOR_PROPERTIES = {
  namepass: globList('Keep only items whose name matches one of these globs.'),
  namedrop: globList('Drop items whose name matches one of these globs.'),
  tagpass: tagGlobTable('Keep only items with a tag matching (tag = [globs]).'),
  tagdrop: tagGlobTable('Drop items with a tag matching (tag = [globs]).'),
  fieldinclude: globList('Keep only the fields matching these globs.'),
  fieldexclude: globList('Remove the fields matching these globs.'),
  taginclude: globList('Keep only the tags matching these globs.'),
  tagexclude: globList('Remove the tags matching these globs.'),
  fieldpass: globList('Old name of fieldinclude.'),
  fielddrop: globList('Old name of fieldexclude.'),
};

const NAMING_PROPERTIES = {
  name_override: { type: 'string', description: 'Replace the measurement name.' },
  name_prefix: { type: 'string', description: 'Prepend to the measurement name.' },
  name_suffix: { type: 'string', description: 'Append to the measurement name.' },
};

/** Options every plugin of a kind accepts, besides its own. */
export const COMMON_PROPERTIES: Record<'inputs' | 'processors' | 'outputs', Record<string, Record<string, unknown>>> = {
  inputs: {
    alias: { type: 'string', description: 'A name for this instance in logs and statistics.' },
    interval: { duration: true, description: 'Gather interval; [agent] interval by default.' },
    collection_jitter: { duration: true, description: 'Jitter before each gather; [agent] collection_jitter by default.' },
    collection_offset: { duration: true, description: 'Shift of each gather; [agent] collection_offset by default.' },
    precision: { duration: true, description: 'Timestamp rounding of gathered metrics; [agent] precision by default.' },
    tags: { type: 'object', additionalProperties: { type: 'string' }, description: 'Tags added to every item.' },
    ...NAMING_PROPERTIES,
    ...SELECTOR_PROPERTIES,
  },
  processors: {
    alias: { type: 'string', description: 'A name for this instance in logs.' },
    order: { type: 'integer', description: 'Position among processors; config order by default.' },
    ...SELECTOR_PROPERTIES,
  },
  outputs: {
    alias: { type: 'string', description: 'A name for this instance in logs and statistics.' },
    flush_interval: { duration: true, description: 'Interval between writes; [agent] flush_interval by default.' },
    flush_jitter: { duration: true, description: 'Jitter added to each flush; [agent] flush_jitter by default.' },
    metric_batch_size: { type: 'integer', minimum: 1, maximum: MAX_BATCH_SIZE, description: 'Items per write; [agent] metric_batch_size by default.' },
    metric_buffer_limit: { type: 'integer', minimum: 1, maximum: MAX_BUFFER_LIMIT, description: 'Buffer size; [agent] metric_buffer_limit by default.' },
    timeout: { duration: true, description: 'How long one write may take before it is abandoned and retried (30s by default; a plugin may set its own).' },
    ...bufferProperties(false),
    ...NAMING_PROPERTIES,
    ...SELECTOR_PROPERTIES,
  },
};
