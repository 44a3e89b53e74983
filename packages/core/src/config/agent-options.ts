import type { AgentConfig, Where } from './model.js';
import { formatSize } from './size.js';
import type { OptionError } from './validator.js';

/** Most bytes a disk buffer may be given (buffer_max_size), in [agent] or on an output. */
export const MAX_BUFFER_BYTES = 2 ** 40;

/**
 * Telegraf [agent] options vigil accepts so Telegraf configs load, and why each does nothing;
 * undefined where the value set asks for nothing (Telegraf's stock `false`, a rotation of 0).
 */
const WITHOUT_EFFECT: Record<string, (agent: AgentConfig) => string | undefined> = {
  snmp_translator: () => 'vigil has no SNMP plugins',
  skip_processors_after_aggregators: (a) => (a.skip_processors_after_aggregators ? 'vigil has no aggregators: processors run once' : undefined),
  skip_processors_before_aggregators: (a) => (a.skip_processors_before_aggregators ? 'vigil has no aggregators: processors run once' : undefined),
  logtarget: (a) => (a.logtarget === 'eventlog' ? 'the Windows event log is not supported: logging goes to logfile, or stderr' : undefined),
  logfile_rotation_interval: (a) => (a.logfile_rotation_interval > 0 && !a.logfile ? 'there is no logfile to rotate' : undefined),
  logfile_rotation_max_size: (a) => (a.logfile_rotation_max_size > 0 && !a.logfile ? 'there is no logfile to rotate' : undefined),
};

/** Problems no schema keyword expresses, after the schema has applied defaults. */
export function checkAgentOptions(agent: AgentConfig): OptionError[] {
  const problems: OptionError[] = [];
  for (const option of ['interval', 'flush_interval'] as const) {
    if (agent[option] === 0) problems.push({ option, message: `option "${option}" must be more than 0s` });
  }
  if (agent.log_with_timezone && agent.log_with_timezone !== 'local') {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: agent.log_with_timezone });
    } catch {
      problems.push({ option: 'log_with_timezone', message: `option "log_with_timezone" must be "", "local" or a timezone name such as "Europe/Berlin", got "${agent.log_with_timezone}"` });
    }
  }
  const tooBig = bufferBytesProblem(agent.buffer_max_size);
  if (tooBig) problems.push({ option: 'buffer_max_size', message: tooBig });
  return problems;
}

/** A buffer_max_size past the maximum; undefined for a size within it, or one the schema already refused. */
export function bufferBytesProblem(bytes: unknown): string | undefined {
  if (typeof bytes !== 'number' || bytes <= MAX_BUFFER_BYTES) return undefined;
  return `option "buffer_max_size" must be at most ${formatSize(MAX_BUFFER_BYTES)}, got ${formatSize(bytes)}`;
}

/**
 * One warning per [agent] option the config sets that does nothing here, so a Telegraf user
 * knows which of their settings vigil ignores.
 */
export function agentNotices(agent: AgentConfig, setOptions: string[], where: (option: string) => Where): string[] {
  const notices: string[] = [];
  for (const option of setOptions) {
    const why = WITHOUT_EFFECT[option]?.(agent);
    if (!why) continue;
    const at = where(option);
    notices.push(`${at.file}${at.line ? `:${at.line}` : ''}: agent: option "${option}" has no effect (${why})`);
  }
  return notices;
}
