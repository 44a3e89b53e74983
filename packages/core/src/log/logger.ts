import { pino, type Logger, type DestinationStream } from 'pino';
import type { AttributeValue, LogLevel } from '../model/item.js';
import { rfc3339 } from '../model/json.js';
import type { LogCounts } from '../stats/stats.js';
import type { LogRing } from './ring.js';
import type { Redactor } from './redactor.js';
import { RotatingLogfile, type LogRotation } from './rotating-logfile.js';

export type { Logger } from 'pino';

const LEVEL_BY_NUMBER: Record<number, LogLevel> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };
// Telegraf's one-letter level marks, so existing log parsers keep working.
const LEVEL_MARK: Record<LogLevel, string> = { trace: 'T!', debug: 'D!', info: 'I!', warn: 'W!', error: 'E!', fatal: 'E!' };

export interface AgentLoggerOptions {
  level: 'debug' | 'info' | 'error';
  /** A file path; stderr when empty. */
  logfile: string;
  /** How the logfile rotates; not at all when absent. */
  rotation?: LogRotation;
  /** The key of the message in structured lines (`[agent] structured_log_message_key`). */
  messageKey?: string;
  /** "text" (Telegraf-like lines) or "structured" (one JSON object per line). */
  format: 'text' | 'structured';
  /** `[agent] log_with_timezone`: '', "local" or an IANA zone name. */
  timezone: string;
}

export interface LogSinks {
  ring: LogRing;
  counts: LogCounts;
  redactor: Redactor;
}

function openDestination(logfile: string, rotation: LogRotation | undefined): DestinationStream {
  if (!logfile) return pino.destination({ dest: 2, sync: true });
  if (rotation && (rotation.intervalMs > 0 || rotation.maxBytes > 0)) return new RotatingLogfile(logfile, rotation);
  return pino.destination({ dest: logfile, sync: true, append: true, mkdir: true });
}

/** Renders pino's JSON lines as `TIME L! [plugin] message key=value`. */
function textDestination(target: DestinationStream, timezone: string): DestinationStream {
  return {
    write(line: string) {
      const { level, time, msg, plugin, pid: _pid, hostname: _host, ...rest } = JSON.parse(line);
      const extras = Object.entries(rest)
        .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
        .join(' ');
      const where = plugin ? ` [${plugin}]` : '';
      target.write(`${rfc3339(time, timezone)} ${LEVEL_MARK[LEVEL_BY_NUMBER[level]]}${where} ${msg}${extras ? ' ' + extras : ''}\n`);
    },
  };
}

/** The string, number and boolean values of an object logged with a message. */
function attributesOf(merge: unknown): { attributes?: Record<string, AttributeValue> } {
  if (!merge || typeof merge !== 'object' || Array.isArray(merge)) return {};
  const attributes: Record<string, AttributeValue> = {};
  for (const [k, v] of Object.entries(merge)) {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') attributes[k] = v;
  }
  return Object.keys(attributes).length > 0 ? { attributes } : {};
}

/**
 * The agent's pino logger. Every entry is redacted, counted by level and kept in the ring
 * the heartbeat reads, whatever the destination. Plugins get `logger.child({ plugin })`.
 */
export function createAgentLogger(options: AgentLoggerOptions, sinks: LogSinks): Logger {
  const base = openDestination(options.logfile, options.rotation);
  const destination = options.format === 'text' ? textDestination(base, options.timezone) : base;
  return pino(
    {
      level: options.level,
      ...(options.format === 'structured' && options.messageKey ? { messageKey: options.messageKey } : {}),
      base: undefined,
      hooks: {
        logMethod(args, method, levelNumber) {
          const level = LEVEL_BY_NUMBER[levelNumber] ?? 'info';
          const redacted = args.map((a) => (a instanceof Error ? sinks.redactor.redact(a.message) : sinks.redactor.redactDeep(a)));
          const message = redacted.find((a): a is string => typeof a === 'string') ?? '';
          const plugin = (this.bindings() as { plugin?: string }).plugin ?? 'agent';
          sinks.counts[level]++;
          sinks.ring.push({ timestamp: Date.now(), level, message, source: plugin, ...attributesOf(redacted[0]) });
          method.apply(this, redacted as Parameters<typeof method>);
        },
      },
    },
    destination,
  );
}
