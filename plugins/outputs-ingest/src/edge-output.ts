import { formatDuration, rejectBatch, retryLater, rfc3339, written, type Item, type OutputPlugin, type PluginContext, type WriteContext, type WriteResult } from '@vigil/core';
import type { HostSnapshot } from '@vigil/host';
import { requestErrorText, type ApiAnswer, type ApiClient } from './api-client.js';
import { answerOutcome, AuthPause } from './answer-outcome.js';
import { BatchEvents } from './batch-events.js';
import { appliedPolicy, loadEdgeState, readEnrollment, type AppliedPolicy, type EdgeState } from './edge-policy.js';
import { halfKey, idempotencyKey, nameId } from './event-ids.js';
import { envelope, type AgentIdentity, type Envelope, type IngestEvent } from './events.js';
import type { ServiceStates } from './service-changes.js';
import { hostHeartbeat } from './host-heartbeat.js';
import { safeToSendTo, type IngestOptions } from './options.js';

export const ENROLLMENT_PATH = '/api/v1/edge-agent/enrollment';
export const POLICY_PATH = '/api/v1/edge-agent/policy';
export const DEFAULT_INGEST_PATH = '/api/v1/events/ingest';

/** First wait before fetching the enrollment and policy again after a failure; doubles up to policy_interval. */
const REFRESH_RETRY_MS = 1_000;

/** The events of the batch being written, made once: a retry sends the same events under the same keys. */
interface PreparedBatch {
  batchId: string;
  events: IngestEvent[];
  /** The services' conditions once this batch is done with, kept only then. */
  services: ServiceStates;
  /** Keys (of the batch or of its halves) the gateway accepted: a retry does not send them again. */
  accepted: Set<string>;
  /**
   * Keys the gateway answered 413 for: a retry goes straight to their halves, since the gateway
   * may have accepted one half already and would take the whole under this key as new events.
   */
  split: Set<string>;
  /** Items that made no event (send_unmatched is off): never sent, so filtered, not written. */
  leftOut: number;
}

function describeAnswer(answer: ApiAnswer): string {
  if (answer.statusCode === 401 || answer.statusCode === 403) return `token rejected (${answer.statusCode})`;
  const snippet = answer.body.replace(/\s+/g, ' ').trim().slice(0, 200);
  return `HTTP ${answer.statusCode}${snippet ? `: ${snippet}` : ''}`;
}

function parseObject(answer: ApiAnswer, what: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = answer.body.trim() ? JSON.parse(answer.body) : {};
  } catch {
    throw new Error(`${what}: the answer is not JSON`);
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new Error(`${what}: the answer is not a JSON object`);
  return doc as Record<string, unknown>;
}

/**
 * The edge contract: enrollment and policy from the gateway (kept in the statefile, refreshed
 * every policy_interval), batches of events POSTed with an Idempotency-Key derived from the
 * core's stable batch id, and a HostHeartbeat on its own timer.
 */
export class EdgeOutput implements OutputPlugin {
  private readonly o: IngestOptions;
  private readonly state: EdgeState;
  private readonly events: BatchEvents;
  private readonly pause: AuthPause;
  private readonly agent: AgentIdentity;
  private prepared?: PreparedBatch;
  private refreshTimer?: NodeJS.Timeout;
  private heartbeatTimer?: NodeJS.Timeout;
  private readonly background = new AbortController();
  private refreshFailures = 0;
  private unreachableSaid = false;
  private heartbeatFailing = false;
  private started = false;

  constructor(
    private readonly ctx: PluginContext<IngestOptions>,
    private readonly client: ApiClient,
    private readonly hostSnapshot: () => Promise<HostSnapshot>,
    private readonly redact: (text: string) => string,
  ) {
    this.o = ctx.options;
    this.state = loadEdgeState(ctx.state);
    this.trustIngestUrl();
    this.events = this.batchEvents();
    this.pause = new AuthPause(this.o.auth_retry_interval, client.host, ctx.log);
    this.agent = { id: this.o.agent_id || nameId(`agent:${this.o.workspace_id}:${ctx.agent.hostname}`), hostname: ctx.agent.hostname, version: ctx.agent.version };
  }

  private batchEvents(): BatchEvents {
    return new BatchEvents({
      rules: this.o.events,
      hostname: this.ctx.agent.hostname,
      sendUnmatched: () => this.applied.sendUnmatched ?? this.o.send_unmatched,
      tlsWarnDays: () => this.applied.tlsWarnDays ?? this.o.tls_warn_days,
      onRuleError: (message) => this.ctx.log.warn(message),
    });
  }

  private get applied(): AppliedPolicy {
    return appliedPolicy(this.state.policy?.document);
  }

  private get ingestUrl(): string {
    return this.client.url(this.state.enrollment?.ingestUrl || DEFAULT_INGEST_PATH);
  }

  /** Cheap: the gateway is asked in the background, and the agent runs on what it has meanwhile. */
  connect(): void {
    if (this.started) return;
    this.started = true;
    void this.refresh().then(() => this.scheduleHeartbeat(0));
  }

  /** `vigil check-connection`: the enrollment and policy GETs, credentials and TLS checked, nothing sent. */
  async checkConnection(): Promise<string> {
    await this.fetchGateway(AbortSignal.timeout(this.o.timeout));
    const mode = this.state.enrollment?.mode;
    return `enrollment${mode ? ` mode "${mode}"` : ''} and policy fetched; events go to ${this.ingestUrl}`;
  }

  private async fetchGateway(signal: AbortSignal): Promise<void> {
    const ask = async (path: string, what: string) => {
      let answer: ApiAnswer;
      try {
        answer = await this.client.get(path, signal);
      } catch (err) {
        throw new Error(`${what} ${this.client.url(path)}: ${requestErrorText(err, this.o.timeout)}`);
      }
      if (answer.statusCode < 200 || answer.statusCode > 299) throw new Error(`${what} ${this.client.url(path)}: ${describeAnswer(answer)}`);
      return parseObject(answer, what);
    };
    const enrollment = readEnrollment(await ask(ENROLLMENT_PATH, 'enrollment'));
    if (enrollment.ingestUrl && !this.safeIngestUrl(enrollment.ingestUrl)) {
      this.ctx.log.warn(`the enrollment names ${JSON.stringify(enrollment.ingestUrl)} as the ingest URL, which is not https: the token is not sent there; using ${DEFAULT_INGEST_PATH}`);
      enrollment.ingestUrl = '';
    }
    const policy = await ask(POLICY_PATH, 'policy');
    this.state.enrollment = enrollment;
    this.trustIngestUrl();
    this.state.policy = { document: policy, fetchedAt: Date.now() };
    this.ctx.state.save(this.state);
  }

  /** The token goes only to the gateway's origin and to the (https) ingest URL its enrollment names. */
  private trustIngestUrl(): void {
    if (this.state.enrollment?.ingestUrl) this.client.trust(this.state.enrollment.ingestUrl);
  }

  private safeIngestUrl(ingestUrl: string): boolean {
    try {
      return safeToSendTo(new URL(this.client.url(ingestUrl)));
    } catch {
      return false;
    }
  }

  /** Fetches enrollment and policy, then again every policy_interval; sooner, with backoff, after a failure. */
  private async refresh(): Promise<void> {
    let next = this.o.policy_interval;
    try {
      await this.fetchGateway(AbortSignal.any([this.background.signal, AbortSignal.timeout(this.o.timeout)]));
      if (this.unreachableSaid) this.ctx.log.info(`enrollment and policy fetched from ${this.client.host} again`);
      this.unreachableSaid = false;
      this.refreshFailures = 0;
    } catch (err) {
      if (this.background.signal.aborted) return;
      this.refreshFailures++;
      next = Math.min(this.o.policy_interval, REFRESH_RETRY_MS * 2 ** (this.refreshFailures - 1));
      if (!this.unreachableSaid) {
        this.unreachableSaid = true;
        const kept = this.state.policy ? ` and the policy kept from ${rfc3339(this.state.policy.fetchedAt)}` : '';
        this.ctx.log.warn(this.redact(`${(err as Error).message}; running on the local config${kept}, retrying with backoff (said once)`));
      }
    }
    if (this.background.signal.aborted) return;
    this.refreshTimer = setTimeout(() => void this.refresh(), next);
    this.refreshTimer.unref();
  }

  private scheduleHeartbeat(waitMs: number): void {
    const interval = this.applied.heartbeatIntervalMs ?? this.o.heartbeat_interval;
    if (interval <= 0 || this.background.signal.aborted) return;
    this.heartbeatTimer = setTimeout(() => {
      void this.sendHeartbeat().finally(() => this.scheduleHeartbeat(this.applied.heartbeatIntervalMs ?? this.o.heartbeat_interval));
    }, waitMs);
    this.heartbeatTimer.unref();
  }

  private async heartbeatEvent(): Promise<IngestEvent> {
    const policy = this.state.policy;
    return hostHeartbeat(this.ctx, {
      host: await this.hostSnapshot(),
      policy: policy && { fetchedAt: rfc3339(policy.fetchedAt), document: policy.document },
      ingestUrl: this.ingestUrl,
      paused: this.pause.paused,
    });
  }

  /** A beat is a snapshot: one that fails is not sent again, the next one says what is true then. */
  private async sendHeartbeat(): Promise<void> {
    const event = await this.heartbeatEvent();
    const key = idempotencyKey(`heartbeat:${event.id}`);
    let failure: string | undefined;
    try {
      const answer = await this.client.postJson(this.ingestUrl, envelope(key, this.agent, [event]), { 'idempotency-key': key }, AbortSignal.any([this.background.signal, AbortSignal.timeout(this.o.timeout)]));
      if (answer.statusCode < 200 || answer.statusCode > 299) failure = describeAnswer(answer);
    } catch (err) {
      if (this.background.signal.aborted) return;
      failure = requestErrorText(err, this.o.timeout);
    }
    if (failure && !this.heartbeatFailing) this.ctx.log.warn(this.redact(`HostHeartbeat to ${this.ingestUrl} not sent: ${failure}; later beats are tried as usual (said once until one is sent)`));
    this.heartbeatFailing = failure !== undefined;
  }

  /**
   * The services' conditions move on only once a batch is written or rejected: a batch made
   * again after a restart or a reload starts from the same conditions, so it has the same
   * ServiceDegraded events as the first time.
   */
  private prepare(batch: Item[], context: WriteContext): PreparedBatch {
    if (this.prepared?.batchId === context.batchId) return this.prepared;
    const services = structuredClone(this.state.services);
    const events = this.events.make(batch, context.itemIds, services);
    const leftOut = this.events.leftOut;
    if (leftOut > 0) {
      this.ctx.log.info(`${leftOut} items no rule claims were left out (send_unmatched is off)`);
      this.events.leftOut = 0;
    }
    this.prepared = { batchId: context.batchId, events, services, accepted: new Set(), split: new Set(), leftOut };
    return this.prepared;
  }

  async write(batch: Item[], context: WriteContext): Promise<WriteResult> {
    const prepared = this.prepare(batch, context);
    const result = prepared.events.length === 0 ? written() : await this.send(prepared, prepared.events, idempotencyKey(context.batchId), context.signal);
    if (result.outcome === 'retry') return { ...result, reason: this.redact(result.reason) };
    this.state.services = prepared.services;
    this.ctx.state.save(this.state);
    return result.outcome === 'written' ? written({ filtered: prepared.leftOut }) : { ...result, reason: this.redact(result.reason) };
  }

  /** POSTs events under `key`; a 413 sends them as two halves, each under its own derived key. */
  private async send(prepared: PreparedBatch, events: IngestEvent[], key: string, signal: AbortSignal): Promise<WriteResult> {
    if (prepared.accepted.has(key)) return written();
    if (prepared.split.has(key)) return this.sendHalves(prepared, events, key, signal);
    const url = this.ingestUrl;
    let answer: ApiAnswer;
    try {
      answer = await this.client.postJson(url, envelope(key, this.agent, events), { 'idempotency-key': key }, signal);
    } catch (err) {
      return retryLater(`${url}: ${requestErrorText(err, this.o.timeout)}`);
    }
    if (answer.statusCode === 413) {
      if (events.length === 1) return rejectBatch(`${this.client.host} answered 413 for a single ${events[0].type} event: it is larger than the gateway takes`);
      this.ctx.log.debug(`${this.client.host} answered 413 for ${events.length} events; sending them as two halves`);
      prepared.split.add(key);
      return this.sendHalves(prepared, events, key, signal);
    }
    const result = answerOutcome(answer, this.client.host, this.pause, events.length);
    if (result.outcome === 'written') prepared.accepted.add(key);
    return result;
  }

  /** Each half goes under a key made from `key` and its own event ids, so a key always means the same events. */
  private async sendHalves(prepared: PreparedBatch, events: IngestEvent[], key: string, signal: AbortSignal): Promise<WriteResult> {
    const middle = Math.ceil(events.length / 2);
    for (const part of [events.slice(0, middle), events.slice(middle)]) {
      const result = await this.send(prepared, part, halfKey(key, part.map((e) => e.id)), signal);
      if (result.outcome !== 'written') return result;
    }
    prepared.accepted.add(key);
    return written();
  }

  /** `vigil ingest --print`: the envelope that would go now for these items, a HostHeartbeat first. Changes nothing. */
  async preview(items: Item[] = []): Promise<Envelope> {
    const events = this.batchEvents().make(items, items.map((_, i) => `preview:${i}`), structuredClone(this.state.services));
    const heartbeat = await this.heartbeatEvent();
    return envelope(idempotencyKey(`preview:${heartbeat.id}`), this.agent, [heartbeat, ...events]);
  }

  policy(): unknown {
    const { policy, enrollment } = this.state;
    if (!policy && !enrollment) return undefined;
    return {
      ...(enrollment ? { enrollment: { mode: enrollment.mode, ingestUrl: this.ingestUrl, fetchedAt: rfc3339(enrollment.fetchedAt) } } : {}),
      ...(policy ? { fetchedAt: rfc3339(policy.fetchedAt), document: policy.document, applied: this.appliedShown() } : {}),
    };
  }

  private appliedShown(): Record<string, unknown> {
    const a = this.applied;
    return Object.fromEntries(
      Object.entries({
        heartbeat_interval: a.heartbeatIntervalMs === undefined ? undefined : formatDuration(a.heartbeatIntervalMs),
        send_unmatched: a.sendUnmatched,
        tls_warn_days: a.tlsWarnDays,
      }).filter(([, v]) => v !== undefined),
    );
  }

  close(): void {
    this.background.abort();
    clearTimeout(this.refreshTimer);
    clearTimeout(this.heartbeatTimer);
    this.client.close();
  }
}
