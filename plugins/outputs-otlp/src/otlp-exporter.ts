import { httpClientSecrets, MAX_RETRY_AFTER_MS, rejectBatch, retryLater, written, type Item, type LogEntry, type LogRecord, type Metric, type HttpClient, type PluginContext, type WriteContext, type WriteResult } from '@vigil/core';
import { createHttpClient } from '@vigil/core/http';
import { BatchProgress } from './batch-progress.js';
import type { ExportResult } from './export-result.js';
import { SIGNALS, describeSettings, type Signal, type SignalSettings } from './export-settings.js';
import { GrpcExport } from './grpc-export.js';
import { HttpExport, type ExportTransport } from './http-export.js';
import { LeftOutFields } from './left-out-fields.js';
import { LogMapper } from './log-mapping.js';
import { MetricMapper } from './metric-mapping.js';
import type { OtlpOptions } from './options.js';
import { PartialSuccessLog } from './partial-success-log.js';
import { logsRequestBody, metricsRequestBody } from './request-body.js';
import { agentResourceAttributes, readMachineId } from './resource-attributes.js';
import { ResourceCache } from './resource-cache.js';

/** What one half of a write came to; `ofBatch` is false for a request of agent log entries alone. */
interface HalfResult {
  signal: Signal;
  result: WriteResult;
  ofBatch: boolean;
}

/** Every value a reason or log line must not show: header values, the client's secrets, the URLs' own credentials. */
function secretsOf(settings: SignalSettings[], o: OtlpOptions): string[] {
  return httpClientSecrets(o, { values: settings.flatMap((s) => Object.values(s.headers)), urls: settings.map((s) => s.url || s.shownEndpoint) });
}

/**
 * One output's exports: a batch's metrics and its log records go in two requests, sent
 * together. The batch is written when both are; a retry sends only the half that asked for one.
 */
export class OtlpExporter {
  private readonly transports: Record<Signal, ExportTransport>;
  private readonly http: HttpClient;
  private readonly metricMapper: MetricMapper;
  private readonly logMapper: LogMapper;
  private readonly leftOutFields: LeftOutFields;
  private readonly partialSuccesses: PartialSuccessLog;
  private readonly progress = new BatchProgress();
  private readonly secrets: string[];
  /** The agent's log entries up to this seq were exported (or refused for good). */
  private agentLogsSeq: number;

  constructor(
    private readonly ctx: PluginContext<OtlpOptions>,
    private readonly settings: Record<Signal, SignalSettings>,
    hostId = readMachineId(),
  ) {
    const o = ctx.options;
    // One client for both signals: one connection pool, one OAuth2 token, one cookie login.
    this.http = createHttpClient(o, { urls: SIGNALS.map((s) => settings[s].url).filter((u) => u !== '') });
    const userAgent = `vigil/${ctx.agent.version}`;
    const transport = (s: SignalSettings): ExportTransport =>
      s.protocol === 'grpc' ? new GrpcExport(s, this.http.tls, userAgent) : new HttpExport(s, this.http, userAgent, o.response_timeout);
    this.transports = { metrics: transport(settings.metrics), logs: transport(settings.logs) };
    const resources = new ResourceCache(agentResourceAttributes(ctx.agent, o.resource_attributes, hostId));
    this.leftOutFields = new LeftOutFields(ctx.log);
    this.metricMapper = new MetricMapper(resources, { name: 'vigil', version: ctx.agent.version });
    this.logMapper = new LogMapper(resources, ctx.agent.version);
    this.secrets = secretsOf(SIGNALS.map((s) => settings[s]), o);
    this.partialSuccesses = new PartialSuccessLog(ctx.log, (t) => this.redact(t));
    for (const signal of SIGNALS) ctx.log.debug(describeSettings(settings[signal]));
    // Like the heartbeat, the first export covers what was logged since the output was created.
    this.agentLogsSeq = ctx.logs.lastSeq;
  }

  /** Data points and log records the receiver refused in partial successes since start. */
  get partiallyRejected(): Record<Signal, number> {
    return this.partialSuccesses.rejected;
  }

  /** Field values left out (strings, booleans, non-finite numbers) since start. */
  get leftOutFieldValues(): number {
    return this.leftOutFields.total;
  }

  private redact(text: string): string {
    let out = this.ctx.agent.redact(text);
    for (const s of this.secrets) out = out.split(s).join('***');
    return out;
  }

  private async send(signal: Signal, body: () => Uint8Array, abort: AbortSignal): Promise<WriteResult> {
    let bytes: Uint8Array;
    try {
      bytes = body();
    } catch (err) {
      // The same items would fail the same way at every retry.
      return rejectBatch(`cannot encode the ${signal} as OTLP: ${(err as Error).message}`);
    }
    const outcome: ExportResult = await this.transports[signal].send(bytes, abort);
    if (outcome.partial) this.partialSuccesses.record(signal, this.settings[signal].shownEndpoint, outcome.partial);
    return outcome.result;
  }

  private async exportMetrics(metrics: Metric[], context: WriteContext): Promise<HalfResult> {
    // Left-out fields are counted at the first attempt only, so retries do not count them again.
    const mapped = this.metricMapper.map(metrics, context.attempt === 1 ? this.leftOutFields : undefined);
    if (context.attempt === 1) this.leftOutFields.reportBatch(mapped.leftOut);
    if (mapped.points === 0) return { signal: 'metrics', result: written(), ofBatch: true };
    const protocol = this.settings.metrics.protocol;
    return { signal: 'metrics', result: await this.send('metrics', () => metricsRequestBody(protocol, mapped.resourceMetrics), context.signal), ofBatch: true };
  }

  private async exportLogs(records: LogRecord[], entries: LogEntry[], context: WriteContext): Promise<HalfResult> {
    const protocol = this.settings.logs.protocol;
    const body = () => logsRequestBody(protocol, [...this.logMapper.fromRecords(records), ...this.logMapper.fromAgentEntries(entries)]);
    const result = await this.send('logs', body, context.signal);
    if (entries.length > 0 && result.outcome !== 'retry') this.agentLogsSeq = Math.max(this.agentLogsSeq, entries[entries.length - 1].seq);
    const ofBatch = records.length > 0;
    if (!ofBatch && result.outcome === 'rejected') this.ctx.log.warn(`the agent's own log entries were refused and are dropped: ${this.redact(result.reason)}`);
    return { signal: 'logs', result, ofBatch };
  }

  async write(batch: Item[], context: WriteContext): Promise<WriteResult> {
    const metrics: Metric[] = [];
    const records: LogRecord[] = [];
    for (const item of batch) {
      if (item.kind === 'metric') metrics.push(item);
      else records.push(item);
    }
    const halves: Promise<HalfResult>[] = [];
    if (metrics.length > 0 && !this.progress.settled(context.batchId, 'metrics')) halves.push(this.exportMetrics(metrics, context));
    const pendingRecords = records.length > 0 && !this.progress.settled(context.batchId, 'logs') ? records : [];
    const entries = this.ctx.options.include_agent_logs ? this.ctx.logs.entries(this.agentLogsSeq) : [];
    if (pendingRecords.length > 0 || entries.length > 0) halves.push(this.exportLogs(pendingRecords, entries, context));

    const results = (await Promise.all(halves)).filter((h) => h.ofBatch);
    for (const h of results) if (h.result.outcome !== 'retry') this.progress.remember(context.batchId, h.signal, h.result);

    const retries = results.flatMap((h) => (h.result.outcome === 'retry' ? [h.result] : []));
    if (retries.length > 0) {
      const after = retries.map((r) => r.retryAfterMs).filter((ms): ms is number => ms !== undefined);
      return retryLater(this.redact(retries.map((r) => r.reason).join('; ')), after.length > 0 ? Math.min(Math.max(...after), MAX_RETRY_AFTER_MS) : undefined);
    }
    // Every half is settled now, including those of earlier attempts.
    const settled = SIGNALS.map((s) => this.progress.settled(context.batchId, s)).filter((r): r is WriteResult => r !== undefined);
    this.progress.forget(context.batchId);
    const rejections = settled.flatMap((r) => (r.outcome === 'rejected' ? [r.reason] : []));
    if (rejections.length > 0) {
      // The agent counts a rejected batch whole: a half written is counted as rejected too (README, "A batch of both").
      const writtenToo = settled.some((r) => r.outcome === 'written') && metrics.length > 0 && records.length > 0;
      return rejectBatch(this.redact(rejections.join('; ') + (writtenToo ? ' (the other half of the batch was written)' : '')));
    }
    return written();
  }

  close(): void {
    for (const signal of SIGNALS) this.transports[signal].close();
    this.http.close();
  }
}
