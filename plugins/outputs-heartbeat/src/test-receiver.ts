/** A heartbeat receiver for tests: a real HTTP(S) server on 127.0.0.1 that records what it gets. */
import { createServer as createHttpServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type ServerOptions } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';

export interface ReceivedBeat {
  body: any;
  headers: IncomingHttpHeaders;
  method: string;
  path: string;
  /** Subject CN of the client certificate, when one was presented over TLS. */
  clientCertificate?: string;
}

/** How the receiver answers: a status (and body), or never (the request hangs until released). */
export type Answer = { status: number; body?: string; headers?: Record<string, string> } | 'hang';

export class Receiver {
  readonly beats: ReceivedBeat[] = [];
  /** The answer to every request, or a function choosing it from the request. */
  answer: Answer | ((beat: ReceivedBeat) => Answer) = { status: 204 };
  private waiters: { count: number; resolve: () => void }[] = [];
  private hanging: ServerResponse[] = [];
  private port = 0;

  private constructor(
    private server: Server,
    private readonly make: () => Server,
    private readonly scheme: 'http' | 'https',
  ) {}

  static async start(tls?: ServerOptions): Promise<Receiver> {
    let receiver: Receiver | undefined;
    const handler = (req: IncomingMessage, res: ServerResponse) => receiver!.handle(req, res);
    const make = () => (tls ? createHttpsServer(tls, handler) : createHttpServer(handler));
    receiver = new Receiver(make(), make, tls ? 'https' : 'http');
    await receiver.listen();
    return receiver;
  }

  get url(): string {
    return `${this.scheme}://127.0.0.1:${this.port}/heartbeat`;
  }

  get last(): ReceivedBeat {
    return this.beats[this.beats.length - 1];
  }

  /** Resolves once `count` heartbeats have arrived in all. */
  received(count: number): Promise<void> {
    if (this.beats.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  /** Answers every hanging request with `status`. */
  release(status = 204): void {
    for (const res of this.hanging.splice(0)) res.writeHead(status).end();
  }

  /** Stops listening: connections to the port are refused until `restart()`. */
  async stop(): Promise<void> {
    this.release();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  /** Listens again on the same port. */
  async restart(): Promise<void> {
    this.server = this.make();
    await this.listen(this.port);
  }

  private listen(port = 0): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.port = (this.server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const socket = req.socket as TLSSocket;
      const peer = typeof socket.getPeerCertificate === 'function' ? socket.getPeerCertificate() : undefined;
      this.beats.push({
        body: text ? JSON.parse(text) : undefined,
        headers: req.headers,
        method: req.method ?? '',
        path: req.url ?? '',
        clientCertificate: peer?.subject?.CN ? String(peer.subject.CN) : undefined,
      });
      const answer = typeof this.answer === 'function' ? this.answer(this.last) : this.answer;
      if (answer === 'hang') this.hanging.push(res);
      else res.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers }).end(answer.body ?? '');
      this.waiters = this.waiters.filter((w) => (this.beats.length >= w.count ? (w.resolve(), false) : true));
    });
  }

  async close(): Promise<void> {
    if (this.server.listening) await this.stop();
  }
}
