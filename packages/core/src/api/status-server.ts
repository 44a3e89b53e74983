import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LogLevel } from '../model/item.js';
import { levelRank } from '../model/item.js';
import { parseListen } from '../config/api-settings.js';
import type { AgentView } from './agent-view.js';
import { bearerTokenMatches } from './bearer-token.js';
import { engineStatus, readiness } from './engine-status.js';
import { ProcessMonitor } from './process-figures.js';
import { prometheusText } from './prometheus-text.js';
import { StatusHistory } from './status-history.js';
import { STATUS_PAGE, STATUS_PAGE_CSP } from './status-page.js';

/** Most log entries `/logs` returns. */
const MAX_LOG_ENTRIES = 200;

export interface StatusServerOptions {
  listen: string;
  token: string;
  view: AgentView;
}

type Route = (req: IncomingMessage, url: URL) => { status: number; type: string; body: string; headers?: Record<string, string> };

const json = (status: number, value: unknown) => ({ status, type: 'application/json; charset=utf-8', body: JSON.stringify(value, null, 2) + '\n' });

/**
 * The status API on node:http: `/health`, `/ready`, `/.well-known/engine-status`, `/metrics`,
 * the status page at `/` and the two answers it reads (`/history`, `/logs`). Started once per
 * process; it reads the running configuration through the AgentView, so it survives reloads.
 */
export class StatusServer {
  private readonly server: Server;
  private readonly history: StatusHistory;
  private readonly processMonitor = new ProcessMonitor();
  private token: string;
  private readonly routes: Record<string, { open?: boolean; answer: Route }>;

  constructor(private readonly options: StatusServerOptions) {
    this.token = options.token;
    this.history = new StatusHistory(options.view);
    const { view } = options;
    this.routes = {
      '/health': { open: true, answer: () => json(200, { status: 'alive' }) },
      // The page holds no data; it fetches everything with the token, so it is served to anyone.
      '/': { open: true, answer: () => ({ status: 200, type: 'text/html; charset=utf-8', body: STATUS_PAGE, headers: { 'content-security-policy': STATUS_PAGE_CSP, 'x-frame-options': 'DENY' } }) },
      '/ready': {
        answer: () => {
          const ready = readiness(engineStatus(view));
          return json(ready.ready ? 200 : 503, ready);
        },
      },
      '/.well-known/engine-status': { answer: () => json(200, engineStatus(view)) },
      '/metrics': { answer: () => ({ status: 200, type: 'text/plain; version=0.0.4; charset=utf-8', body: prometheusText(view, this.processMonitor.read()) }) },
      '/history': { answer: () => json(200, this.history.answer()) },
      '/logs': { answer: (_req, url) => json(200, this.logs(url)) },
    };
    this.server = createServer((req, res) => this.handle(req, res));
  }

  /** A reload may change the token; the address stays until the process restarts. */
  useToken(token: string): void {
    this.token = token;
  }

  /** Listens; resolves with the URL (port 0 picks a free one) or rejects with a one-line reason. */
  async start(): Promise<string> {
    const address = parseListen(this.options.listen);
    if (!address) throw new Error(`api: cannot listen on ${JSON.stringify(this.options.listen)}: not HOST:PORT`);
    await new Promise<void>((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException) => reject(new Error(`api: cannot listen on ${this.options.listen}: ${err.code === 'EADDRINUSE' ? 'the address is in use' : err.message}`));
      this.server.once('error', onError);
      this.server.listen({ host: address.host || undefined, port: address.port }, () => {
        this.server.off('error', onError);
        resolve();
      });
    });
    this.processMonitor.start();
    this.history.start();
    const bound = this.server.address() as AddressInfo;
    const host = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
    return `http://${host}:${bound.port}`;
  }

  async close(): Promise<void> {
    this.history.stop();
    this.processMonitor.stop();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private logs(url: URL): { entries: { seq: number; time: string; level: LogLevel; source: string; message: string }[] } {
    const asked = levelRank((url.searchParams.get('level') ?? 'warn') as LogLevel);
    const min = asked >= 0 ? asked : levelRank('warn');
    const after = Number(url.searchParams.get('after') ?? 0) || 0;
    const entries = this.options.view.env.ring
      .entries(after)
      .filter((e) => levelRank(e.level) >= min)
      .slice(-MAX_LOG_ENTRIES)
      .map((e) => ({ seq: e.seq, time: new Date(e.timestamp).toISOString(), level: e.level, source: e.source, message: e.message }));
    // The logger blanked secrets already; a secret added by a reload since is blanked here.
    return this.options.view.env.redactor.redactDeep({ entries });
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const route = this.routes[url.pathname];
    const send = ({ status, type, body, headers }: ReturnType<Route>) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...headers });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (!route) return send(json(404, { error: `no such path: ${url.pathname}`, paths: Object.keys(this.routes) }));
    if (req.method !== 'GET' && req.method !== 'HEAD') return send({ ...json(405, { error: `${req.method} is not allowed; use GET` }), headers: { allow: 'GET, HEAD' } });
    if (!route.open && this.token && !bearerTokenMatches(req.headers.authorization, this.token)) {
      return send({ ...json(401, { error: 'this path needs "Authorization: Bearer <token>" with the [api] token' }), headers: { 'www-authenticate': 'Bearer realm="vigil"' } });
    }
    try {
      send(route.answer(req, url));
    } catch (err) {
      const message = this.options.view.env.redactor.redact((err as Error).message);
      send(json(500, { error: message }));
    }
  }
}
