// A stand-in for the ingest gateway and the platform API on 127.0.0.1, for tests: it checks
// the headers, honours Idempotency-Key as a gateway does (a key it accepted before is answered
// 200 and its events are not counted again), and answers what a test tells it to.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface GatewayAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export interface ReceivedEvent {
  id: string;
  type: string;
  occurredAt: string;
  correlationId: string;
  severity: string;
  source: { plugin: string; host: string };
  data: Record<string, unknown>;
}

export interface IngestRequest {
  key: string;
  status: number;
  events: number;
  /** The headers' problems found; empty when all were right. */
  headerProblems: string[];
}

export class TestGateway {
  private server?: Server;
  url = '';
  token = 'edge-token-0123456789';
  workspace = '3f0e8a52-6a47-4a43-9d55-2b1f1c6f9b11';
  ingestPath = '/api/v1/events/ingest';
  /** What GET enrollment gives as ingestUrl; undefined gives none. */
  enrollmentIngestUrl?: string;
  policy: Record<string, unknown> = { heartbeatIntervalSeconds: 3600, alertMode: 'auto' };
  /** Answers for the next ingest POSTs, in order ('as usual': handled as if none were queued); then `status`. */
  readonly queued: (GatewayAnswer | 'as usual')[] = [];
  /** What every ingest POST gets when nothing is queued. */
  status = 200;
  /** More events than this in one envelope: 413. */
  maxEvents = Infinity;
  /** Accept the next batch (its events count) and never answer; heartbeats are answered as usual. */
  hangAfterAccepting = false;
  /** Platform API: what a POST to a path answers instead of 200. */
  readonly routeStatus = new Map<string, number>();
  /** Platform API: the log sources GET /api/agent/log-sources/<id>/ knows. */
  readonly logSources = new Set<string>();
  /** GET enrollment/policy answer this instead of 200 when set. */
  gatewayStatus?: number;

  readonly requests: IngestRequest[] = [];
  readonly acceptedKeys = new Set<string>();
  /** Every accepted event, each time it was accepted under a key not seen before. */
  readonly events: ReceivedEvent[] = [];
  readonly gets: string[] = [];
  /** Platform API: the documents each path received. */
  readonly documents = new Map<string, Record<string, unknown>[]>();
  private readonly hanging: ServerResponse[] = [];

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    for (const res of this.hanging.splice(0)) res.destroy();
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  /** Accepted events that are not HostHeartbeats, counted per event id. */
  eventCounts(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const e of this.events) if (e.type !== 'HostHeartbeat') counts.set(e.id, (counts.get(e.id) ?? 0) + 1);
    return counts;
  }

  private async body(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    return (req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
  }

  private authorized(req: IncomingMessage): boolean {
    return req.headers.authorization === `Bearer ${this.token}`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', this.url).pathname;
    const text = await this.body(req);
    const json = (status: number, doc: unknown): void => void res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(doc));
    if (req.method === 'GET') {
      this.gets.push(path);
      const logSource = /^\/api\/agent\/log-sources\/([^/]+)\/$/.exec(path)?.[1];
      if (logSource !== undefined) {
        if (!this.authorized(req)) return json(401, { error: 'unauthorized' });
        return this.logSources.has(logSource) ? json(200, { id: logSource }) : json(404, { error: 'no such log source' });
      }
      if (!this.authorized(req) || req.headers['x-workspace-id'] !== this.workspace) return json(401, { error: 'unauthorized' });
      if (this.gatewayStatus) return json(this.gatewayStatus, { error: 'unavailable' });
      if (path === '/api/v1/edge-agent/enrollment') return json(200, { mode: 'token', ...(this.enrollmentIngestUrl ? { ingestUrl: this.enrollmentIngestUrl } : {}) });
      if (path === '/api/v1/edge-agent/policy') return json(200, this.policy);
      return json(404, { error: 'not found' });
    }
    if (path === this.ingestPath) return this.ingest(req, res, text);
    // The platform API: any other POST is recorded under its path.
    if (!this.authorized(req)) return json(401, { error: 'unauthorized' });
    const failing = this.routeStatus.get(path);
    if (failing) return json(failing, { error: 'on command' });
    const list = this.documents.get(path) ?? [];
    list.push(JSON.parse(text));
    this.documents.set(path, list);
    return json(200, { ok: true });
  }

  private ingest(req: IncomingMessage, res: ServerResponse, text: string): void {
    const key = String(req.headers['idempotency-key'] ?? '');
    const headerProblems: string[] = [];
    if (!this.authorized(req)) headerProblems.push('authorization');
    if (req.headers['x-workspace-id'] !== this.workspace) headerProblems.push('x-workspace-id');
    if (!UUID.test(key)) headerProblems.push('idempotency-key');
    if (req.headers['content-type'] !== 'application/json') headerProblems.push('content-type');
    const envelope = JSON.parse(text) as { batchId: string; events: ReceivedEvent[] };
    const record = (status: number) => this.requests.push({ key, status, events: envelope.events.length, headerProblems });
    const answer = (a: GatewayAnswer) => {
      record(a.status);
      res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers }).end(a.body ?? '{}');
    };
    if (headerProblems.includes('authorization')) return answer({ status: 401, body: '{"error":"invalid token"}' });
    if (headerProblems.length > 0 || envelope.batchId !== key) return answer({ status: 400, body: JSON.stringify({ error: 'bad headers', headerProblems }) });
    if (this.acceptedKeys.has(key)) return answer({ status: 200, body: '{"duplicate":true}' });
    const queued = this.queued.shift();
    if (queued && queued !== 'as usual') return answer(queued);
    if (envelope.events.length > this.maxEvents) return answer({ status: 413, body: '{"error":"too large"}' });
    if (this.status >= 300) return answer({ status: this.status });
    this.acceptedKeys.add(key);
    this.events.push(...envelope.events);
    if (this.hangAfterAccepting && envelope.events.some((e) => e.type !== 'HostHeartbeat')) {
      this.hangAfterAccepting = false;
      record(0);
      this.hanging.push(res);
      return;
    }
    answer({ status: 202, body: '{"accepted":true}' });
  }
}
