/**
 * vigil log records, and the agent's own log entries, as OTLP log records: the record's time,
 * its severity, the message as a string body, tags and attributes as attributes (resource tags
 * to the resource) and the file it was read from as `log.file.path`.
 */
import { SeverityNumber, type LogAttributes } from '@opentelemetry/api-logs';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { LogEntry, LogLevel, LogRecord } from '@vigil/core';
import { hrTimeFromMs } from './hr-time.js';
import { splitTags } from './resource-attributes.js';
import type { ResourceCache } from './resource-cache.js';

type Scope = ReadableLogRecord['instrumentationScope'];

export const SEVERITIES: Record<LogLevel, { number: SeverityNumber; text: string }> = {
  trace: { number: SeverityNumber.TRACE, text: 'TRACE' },
  debug: { number: SeverityNumber.DEBUG, text: 'DEBUG' },
  info: { number: SeverityNumber.INFO, text: 'INFO' },
  warn: { number: SeverityNumber.WARN, text: 'WARN' },
  error: { number: SeverityNumber.ERROR, text: 'ERROR' },
  fatal: { number: SeverityNumber.FATAL, text: 'FATAL' },
};

/** A source that is a path (inputs.logs gives the file's) is `log.file.path`; any other is `vigil.source`. */
function sourceAttribute(source: string): LogAttributes {
  if (!source) return {};
  return /^(\/|[A-Za-z]:[\\/])/.test(source) ? { 'log.file.path': source } : { 'vigil.source': source };
}

export class LogMapper {
  /** The serializer groups records by scope identity: one object per name. */
  private readonly scopes = new Map<string, Scope>();

  constructor(
    private readonly resources: ResourceCache,
    private readonly version: string,
  ) {}

  private scope(name: string): Scope {
    let scope = this.scopes.get(name);
    if (!scope) {
      if (this.scopes.size >= 1000) this.scopes.clear();
      scope = { name, version: this.version };
      this.scopes.set(name, scope);
    }
    return scope;
  }

  /**
   * The scope is the record's stream name ("logs" unless the input sets `name`). A record knows
   * one time, the one parsed from its line (or its reading when the line had none), so it is both
   * the time and the observed time.
   */
  fromRecords(records: readonly LogRecord[]): ReadableLogRecord[] {
    return records.map((r) => {
      const tags = splitTags(r.tags);
      const time = hrTimeFromMs(r.timestamp);
      const severity = SEVERITIES[r.level];
      return {
        hrTime: time,
        hrTimeObserved: time,
        severityNumber: severity.number,
        severityText: severity.text,
        body: r.message,
        resource: this.resources.resourceFor(tags.resource).resource,
        instrumentationScope: this.scope(r.name),
        attributes: { ...tags.own, ...r.attributes, ...sourceAttribute(r.source) },
        droppedAttributesCount: 0,
      };
    });
  }

  /** The agent's own entries, under its resource, each scoped to what logged it ("agent", "inputs.http" …). */
  fromAgentEntries(entries: readonly LogEntry[]): ReadableLogRecord[] {
    return entries.map((e) => {
      const time = hrTimeFromMs(e.timestamp);
      const severity = SEVERITIES[e.level];
      return {
        hrTime: time,
        hrTimeObserved: time,
        severityNumber: severity.number,
        severityText: severity.text,
        body: e.message,
        resource: this.resources.agent,
        instrumentationScope: this.scope(e.source),
        attributes: { ...e.attributes },
        droppedAttributesCount: 0,
      };
    });
  }
}
