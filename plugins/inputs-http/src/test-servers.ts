import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type ServerOptions } from 'node:https';
import type { AddressInfo } from 'node:net';

/** What a test server saw of the last request. */
export interface SeenRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface TestServer {
  /** e.g. "http://127.0.0.1:40123" */
  origin: string;
  last?: SeenRequest;
  /** The most requests the server held at the same time. */
  maxInFlight: number;
  close(): Promise<void>;
}

export const OK_BODY = 'vigil says hello\n';

/**
 * A server on 127.0.0.1 with the answers the checks meet in the wild:
 * /ok, /fail (500), /slow (answers after 30 s), /redirect (301 to /ok), /cut (body cut short),
 * /hold (answers after 50 ms, to count requests in flight), /huge (a body without end),
 * /away?to=URL (302 to URL), anything else 404 "no such page".
 */
export async function startTestServer(tls?: ServerOptions): Promise<TestServer> {
  const server: Server = tls ? createHttpsServer(tls) : createHttpServer();
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => (timers.delete(t), fn()), ms);
    timers.add(t);
  };
  let inFlight = 0;
  const state: TestServer = {
    origin: '',
    maxInFlight: 0,
    async close() {
      timers.forEach(clearTimeout);
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  const routes: Record<string, (res: ServerResponse) => void> = {
    '/ok': (res) => res.end(OK_BODY),
    '/fail': (res) => res.writeHead(500).end('it broke'),
    '/slow': (res) => later(30_000, () => res.end('finally')),
    '/redirect': (res) => res.writeHead(301, { location: '/ok' }).end(),
    '/cut': (res) => {
      res.writeHead(200, { 'content-length': '1000' }).write('only the start');
      later(20, () => res.socket?.destroy());
    },
    '/hold': (res) => later(50, () => res.end('held')),
    '/huge': (res) => {
      // 64 KiB chunks until the client goes away (or 1 GiB): a body no check should keep.
      const chunk = Buffer.alloc(65_536, 'x');
      let sent = 0;
      const more = () => {
        while (sent < 2 ** 30 && !res.destroyed) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', more);
        }
        res.end();
      };
      more();
    },
  };
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0];
      state.last = { method: req.method ?? '', path, headers: req.headers, body };
      state.maxInFlight = Math.max(state.maxInFlight, ++inFlight);
      res.on('close', () => inFlight--);
      const away = new URL(req.url ?? '/', 'http://x').searchParams.get('to');
      if (path === '/away' && away) return void res.writeHead(302, { location: away }).end();
      (routes[path] ?? ((r: ServerResponse) => r.writeHead(404).end('no such page')))(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.origin = `${tls ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}
