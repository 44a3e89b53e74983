/** A receiver for tests: a real HTTP(S) server on 127.0.0.1 that answers as it is told. */
import { createServer as createHttpServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type ServerOptions } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { gunzipSync } from 'node:zlib';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The body as sent, gunzipped when it came with `Content-Encoding: gzip`. */
  body: string;
  /** Subject CN of the client certificate, over TLS. */
  clientCertificate?: string;
  /** Resolves when the connection of a request left unanswered ('hang') is closed by the client. */
  closed: Promise<void>;
}

/**
 * How the next request is answered: a status (with body and headers), a connection destroyed
 * once the request has arrived ('reset'), or no answer at all ('hang').
 */
export type Answer = { status: number; body?: string; headers?: Record<string, string> } | 'reset' | 'hang';

export class Receiver {
  readonly requests: ReceivedRequest[] = [];
  /** Answers for the coming requests, in order; when empty, 204. */
  readonly answers: Answer[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly socketClosed: (() => void)[] = [];
  private waiters: { count: number; resolve: () => void }[] = [];

  private constructor(
    private readonly server: Server,
    private readonly scheme: 'http' | 'https',
  ) {
    server.on('request', (req, res) => this.handle(req, res));
    server.on(scheme === 'https' ? 'secureConnection' : 'connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => {
        this.sockets.delete(socket);
        this.socketClosed.splice(0).forEach((f) => f());
      });
    });
  }

  static async start(tls?: ServerOptions): Promise<Receiver> {
    const receiver = new Receiver(tls ? createHttpsServer(tls) : createHttpServer(), tls ? 'https' : 'http');
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  get url(): string {
    return `${this.scheme}://127.0.0.1:${(this.server.address() as AddressInfo).port}/write`;
  }

  get last(): ReceivedRequest {
    return this.requests[this.requests.length - 1];
  }

  /** Connections open now. */
  get openConnections(): number {
    return this.sockets.size;
  }

  /** Resolves once `count` requests have arrived in all. */
  received(count: number): Promise<void> {
    if (this.requests.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  /** Resolves once no connection is open. */
  async allConnectionsClosed(): Promise<void> {
    while (this.sockets.size > 0) await new Promise<void>((resolve) => this.socketClosed.push(resolve));
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const socket = req.socket as TLSSocket;
      const peer = typeof socket.getPeerCertificate === 'function' ? socket.getPeerCertificate() : undefined;
      const closed = new Promise<void>((resolve) => res.on('close', () => resolve()));
      this.requests.push({
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: (req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8'),
        clientCertificate: peer?.subject?.CN ? String(peer.subject.CN) : undefined,
        closed,
      });
      const answer = this.answers.shift() ?? { status: 204 };
      if (answer === 'reset') req.socket.destroy();
      else if (answer !== 'hang') res.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers }).end(answer.body ?? '');
      this.waiters = this.waiters.filter((w) => (this.requests.length >= w.count ? (w.resolve(), false) : true));
    });
  }
}
