import { rfc3339, retryLater, toJsonObject, written, type Item, type OutputPlugin, type PluginContext, type WriteContext, type WriteResult } from '@vigil/core';
import type { HostSnapshot } from '@vigil/host';
import { requestErrorText, type ApiClient } from './api-client.js';
import { answerOutcome, AuthPause } from './answer-outcome.js';
import { idempotencyKey, nameId } from './event-ids.js';
import { SYSTEM_MEASUREMENTS } from './item-source.js';
import type { IngestOptions } from './options.js';

/** The platform agent's routes, and the key each body holds its items under. */
export const PLATFORM_ROUTES = {
  metrics: { path: '/api/core/agent/metrics/', key: 'metrics' },
  docker: { path: '/api/core/agent/docker-metrics/', key: 'containers' },
  http: { path: '/api/core/agent/http-checks/', key: 'checks' },
  logs: { path: '/api/logs/ingest/', key: 'logs' },
} as const;
export type PlatformRoute = keyof typeof PLATFORM_ROUTES;

export const heartbeatPath = (logSourceId: string) => `/api/agent/log-sources/${encodeURIComponent(logSourceId)}/heartbeat/`;
export const logSourcePath = (logSourceId: string) => `/api/agent/log-sources/${encodeURIComponent(logSourceId)}/`;

/** The route of the plugin that made an item; undefined for items no platform route takes. */
export function platformRoute(item: Item): PlatformRoute | undefined {
  if (item.kind === 'log') return 'logs';
  if (item.name === 'http_response') return 'http';
  if (item.name === 'docker' || item.name.startsWith('docker_')) return 'docker';
  if (SYSTEM_MEASUREMENTS.has(item.name)) return 'metrics';
  return undefined;
}

/**
 * The platform agent's API: items POSTed to the route of the plugin that made them (one JSON
 * document per route and batch), a heartbeat on its own timer, and the log source GET for
 * check-connection.
 */
export class PlatformOutput implements OutputPlugin {
  private readonly o: IngestOptions;
  private readonly pause: AuthPause;
  private readonly agent: { id: string; hostname: string; version: string };
  /** Routes of the batch being written that the API accepted: a retry sends only the others. */
  private accepted = { batchId: '', routes: new Set<PlatformRoute>() };
  private readonly unrouted = new Set<string>();
  private heartbeatTimer?: NodeJS.Timeout;
  private readonly background = new AbortController();
  private heartbeatFailing = false;
  private started = false;

  constructor(
    private readonly ctx: PluginContext<IngestOptions>,
    private readonly client: ApiClient,
    private readonly hostSnapshot: () => Promise<HostSnapshot>,
    private readonly redact: (text: string) => string,
  ) {
    this.o = ctx.options;
    this.pause = new AuthPause(this.o.auth_retry_interval, client.host, ctx.log);
    this.agent = { id: this.o.agent_id || nameId(`agent:${this.o.log_source_id}:${ctx.agent.hostname}`), hostname: ctx.agent.hostname, version: ctx.agent.version };
  }

  connect(): void {
    if (this.started) return;
    this.started = true;
    this.scheduleHeartbeat(0);
  }

  async checkConnection(): Promise<string> {
    const path = logSourcePath(this.o.log_source_id);
    let answer;
    try {
      answer = await this.client.get(path, AbortSignal.timeout(this.o.timeout));
    } catch (err) {
      throw new Error(`${this.client.url(path)}: ${requestErrorText(err, this.o.timeout)}`);
    }
    if (answer.statusCode === 401 || answer.statusCode === 403) throw new Error(`${this.client.url(path)}: token rejected (${answer.statusCode})`);
    if (answer.statusCode < 200 || answer.statusCode > 299) throw new Error(`${this.client.url(path)}: HTTP ${answer.statusCode}`);
    return `log source ${this.o.log_source_id} verified`;
  }

  private scheduleHeartbeat(waitMs: number): void {
    if (this.o.heartbeat_interval <= 0 || this.background.signal.aborted) return;
    this.heartbeatTimer = setTimeout(() => void this.sendHeartbeat().finally(() => this.scheduleHeartbeat(this.o.heartbeat_interval)), waitMs);
    this.heartbeatTimer.unref();
  }

  private async heartbeatBody(): Promise<Record<string, unknown>> {
    const host = await this.hostSnapshot();
    const now = Date.now();
    return {
      agent: this.agent,
      sentAt: rfc3339(now),
      status: 'online',
      uptimeSeconds: Math.floor((now - this.ctx.agent.startTime) / 1000),
      host: { hostname: host.hostname, os: host.os, platform: host.platform, platformVersion: host.platformVersion, primaryIp: host.primaryIp },
    };
  }

  private async sendHeartbeat(): Promise<void> {
    const path = heartbeatPath(this.o.log_source_id);
    let failure: string | undefined;
    try {
      const answer = await this.client.postJson(path, await this.heartbeatBody(), {}, AbortSignal.any([this.background.signal, AbortSignal.timeout(this.o.timeout)]));
      if (answer.statusCode < 200 || answer.statusCode > 299) failure = `HTTP ${answer.statusCode}`;
    } catch (err) {
      if (this.background.signal.aborted) return;
      failure = requestErrorText(err, this.o.timeout);
    }
    if (failure && !this.heartbeatFailing) this.ctx.log.warn(this.redact(`heartbeat to ${this.client.url(path)} not sent: ${failure} (said once until one is sent)`));
    this.heartbeatFailing = failure !== undefined;
  }

  /** The documents a batch makes, one per route, in a fixed order. */
  bodies(batch: Item[]): Map<PlatformRoute, Record<string, unknown>> {
    const byRoute = new Map<PlatformRoute, Record<string, unknown>[]>();
    for (const item of batch) {
      const route = platformRoute(item);
      if (!route) {
        if (!this.unrouted.has(item.name)) {
          this.unrouted.add(item.name);
          this.ctx.log.warn(`"${item.name}" items are not sent: no platform route takes them (routes: inputs.system, inputs.docker, inputs.http and logs; said once per name)`);
        }
        continue;
      }
      if (!byRoute.has(route)) byRoute.set(route, []);
      byRoute.get(route)!.push(toJsonObject(item));
    }
    const sentAt = rfc3339(Date.now());
    const bodies = new Map<PlatformRoute, Record<string, unknown>>();
    for (const route of Object.keys(PLATFORM_ROUTES) as PlatformRoute[]) {
      const items = byRoute.get(route);
      if (items) bodies.set(route, { logSourceId: this.o.log_source_id, agent: this.agent, sentAt, [PLATFORM_ROUTES[route].key]: items });
    }
    return bodies;
  }

  async write(batch: Item[], context: WriteContext): Promise<WriteResult> {
    if (this.accepted.batchId !== context.batchId) this.accepted = { batchId: context.batchId, routes: new Set() };
    for (const [route, body] of this.bodies(batch)) {
      if (this.accepted.routes.has(route)) continue;
      const { path, key } = PLATFORM_ROUTES[route];
      const url = this.client.url(path);
      let result: WriteResult;
      try {
        const answer = await this.client.postJson(path, body, { 'idempotency-key': idempotencyKey(`${context.batchId}:${route}`) }, context.signal);
        result = answerOutcome(answer, this.client.host, this.pause, (body[key] as unknown[]).length);
      } catch (err) {
        result = retryLater(`${url}: ${requestErrorText(err, this.o.timeout)}`);
      }
      if (result.outcome !== 'written') return { ...result, reason: this.redact(`${path}: ${result.reason}`) };
      this.accepted.routes.add(route);
    }
    // Items no route takes were never sent: filtered, not written.
    return written({ filtered: batch.filter((item) => !platformRoute(item)).length });
  }

  async preview(items: Item[] = []): Promise<Record<string, unknown>[]> {
    const heartbeat = { route: heartbeatPath(this.o.log_source_id), body: await this.heartbeatBody() };
    return [heartbeat, ...[...this.bodies(items)].map(([route, body]) => ({ route: PLATFORM_ROUTES[route].path, body }))];
  }

  close(): void {
    this.background.abort();
    clearTimeout(this.heartbeatTimer);
    this.client.close();
  }
}
