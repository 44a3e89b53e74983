/** Shared by the outputs.otlp tests: reading decoded OTLP requests, and outputs and receivers cleaned up after each test. */
import type { LogEntry, OutputPlugin, PluginContext } from '@vigil/core';
import { createOutput, type TestContextOverrides } from '@vigil/core/testing';
import otlp from './index.js';
import type { OtlpOptions } from './options.js';
import type { ReceivedExport } from './test-receiver.js';

/** What tests use of the test context's log ring. */
type TestRing = PluginContext<unknown>['logs'] & { push(entry: Omit<LogEntry, 'seq'>): void };

type KeyValue = { key: string; value: Record<string, unknown> };

/** A decoded attribute list as a plain object: `[{key: "cpu", value: {stringValue: "cpu0"}}]` → `{cpu: "cpu0"}`. */
export function attributesOf(list: KeyValue[] | undefined): Record<string, unknown> {
  return Object.fromEntries((list ?? []).map((kv) => [kv.key, Object.values(kv.value)[0]]));
}

export interface Point {
  start: string;
  time: string;
  asDouble?: number;
  asInt?: string;
  attributes: Record<string, unknown>;
}

/** Every metric of a decoded ExportMetricsServiceRequest, with its resource's attributes. */
export function metricsOf(request: Record<string, any>): { resource: Record<string, unknown>; name: string; kind: 'gauge' | 'sum'; sum?: { isMonotonic: boolean; aggregationTemporality: number }; points: Point[] }[] {
  return (request.resourceMetrics ?? []).flatMap((rm: any) =>
    (rm.scopeMetrics ?? []).flatMap((sm: any) =>
      (sm.metrics ?? []).map((m: any) => {
        const data = m.gauge ?? m.sum;
        const points = (data.dataPoints ?? []).map((p: any) => {
          const point: Point = { start: p.startTimeUnixNano ?? '0', time: p.timeUnixNano, attributes: attributesOf(p.attributes) };
          if (p.asDouble !== undefined) point.asDouble = p.asDouble;
          if (p.asInt !== undefined) point.asInt = p.asInt;
          return point;
        });
        return {
          resource: attributesOf(rm.resource?.attributes),
          name: m.name,
          kind: m.gauge ? 'gauge' : 'sum',
          ...(m.sum ? { sum: { isMonotonic: m.sum.isMonotonic ?? false, aggregationTemporality: m.sum.aggregationTemporality } } : {}),
          points,
        };
      }),
    ),
  );
}

/** Every log record of a decoded ExportLogsServiceRequest, flattened with its scope and resource. */
export function logRecordsOf(request: Record<string, any>): { resource: Record<string, unknown>; scope: string; time: string; observed: string; severityNumber: number; severityText: string; body: unknown; attributes: Record<string, unknown> }[] {
  return (request.resourceLogs ?? []).flatMap((rl: any) =>
    (rl.scopeLogs ?? []).flatMap((sl: any) =>
      (sl.logRecords ?? []).map((r: any) => ({
        resource: attributesOf(rl.resource?.attributes),
        scope: sl.scope?.name,
        time: r.timeUnixNano,
        observed: r.observedTimeUnixNano,
        severityNumber: r.severityNumber,
        severityText: r.severityText,
        body: Object.values(r.body ?? {})[0],
        attributes: attributesOf(r.attributes),
      })),
    ),
  );
}

export function lastOf(exports: ReceivedExport[]): ReceivedExport {
  return exports[exports.length - 1];
}

const opened: { close(): Promise<void> | void }[] = [];

/** Closed after each test by `closeAll`. */
export function track<T extends { close(): Promise<void> | void }>(thing: T): T {
  opened.push(thing);
  return thing;
}

export async function closeAll(): Promise<void> {
  await Promise.all(opened.splice(0).map((t) => t.close()));
}

/** An outputs.otlp instance with its test context (its log lands in `ctx.ring`), closed after the test. */
export function otlpOutput(options: Record<string, unknown>, overrides: TestContextOverrides = {}): { plugin: OutputPlugin; ctx: PluginContext<OtlpOptions> & { ring: TestRing } } {
  const { plugin, ctx } = createOutput(otlp, options, overrides);
  track({ close: () => plugin.close?.() });
  return { plugin, ctx: ctx as PluginContext<OtlpOptions> & { ring: TestRing } };
}

/** OTLP exporter and resource variables that would change what a test sees: cleared for the test file. */
export function clearOtelEnv(): void {
  for (const name of Object.keys(process.env)) if (name.startsWith('OTEL_')) delete process.env[name];
}

/** Runs `fn` with the variables set, then restores them. */
export async function withEnv<T>(vars: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const before = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  try {
    return await fn();
  } finally {
    for (const [k, v] of Object.entries(before)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}
