/**
 * OTLP receivers for tests, on 127.0.0.1: an HTTP(S) one (/v1/metrics, /v1/logs) and a gRPC one
 * (the Metrics and Logs services). What arrives is decoded with protobufjs decoders generated
 * from the official OTLP .proto files (shipped by @opentelemetry/otlp-transformer 0.212.0,
 * installed as `otlp-decoders`), not with the serializer under test.
 */
import { Server as GrpcServer, ServerCredentials, Metadata, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import { createServer as createHttpServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type ServerOptions } from 'node:https';
import { createServer as createTcpServer, connect, type AddressInfo, type Server as TcpServer, type Socket } from 'node:net';
import { createRequire } from 'node:module';
import type { TLSSocket } from 'node:tls';
import { gunzipSync } from 'node:zlib';
import protobuf from 'protobufjs';

type Signal = 'metrics' | 'logs';

interface MessageType {
  decode(bytes: Uint8Array): object;
  encode(value: object): { finish(): Uint8Array };
  fromObject(value: object): object;
  toObject(message: object, options: object): Record<string, any>;
}

const require = createRequire(import.meta.url);
const root = require('otlp-decoders/build/src/generated/root.js') as { opentelemetry: { proto: { collector: Record<Signal, { v1: Record<string, MessageType> }> } } };
const collector = root.opentelemetry.proto.collector;
const TYPES: Record<Signal, { request: MessageType; response: MessageType }> = {
  metrics: { request: collector.metrics.v1.ExportMetricsServiceRequest, response: collector.metrics.v1.ExportMetricsServiceResponse },
  logs: { request: collector.logs.v1.ExportLogsServiceRequest, response: collector.logs.v1.ExportLogsServiceResponse },
};

/** int64 as decimal strings (as OTLP JSON writes them), enums as numbers, unset fields left out. */
const AS_OBJECT = { longs: String, enums: Number, defaults: false };

// google/rpc/status.proto, error_details.proto (RetryInfo), google/protobuf any.proto and
// duration.proto: what an OTLP error carries.
const rpcRoot = new protobuf.Root();
protobuf.parse('syntax = "proto3"; package google.protobuf; message Any { string type_url = 1; bytes value = 2; } message Duration { int64 seconds = 1; int32 nanos = 2; }', rpcRoot);
protobuf.parse('syntax = "proto3"; package google.rpc; message Status { int32 code = 1; string message = 2; repeated google.protobuf.Any details = 3; } message RetryInfo { google.protobuf.Duration retry_delay = 1; }', rpcRoot);
rpcRoot.resolveAll();
const RpcStatus = rpcRoot.lookupType('google.rpc.Status');
const RetryInfo = rpcRoot.lookupType('google.rpc.RetryInfo');

/** A google.rpc.Status, with a RetryInfo detail when `retryDelayMs` is given. */
export function encodeRpcStatus(code: number, message: string, retryDelayMs?: number): Buffer {
  const details =
    retryDelayMs === undefined
      ? []
      : [{ typeUrl: 'type.googleapis.com/google.rpc.RetryInfo', value: RetryInfo.encode({ retryDelay: { seconds: Math.floor(retryDelayMs / 1000), nanos: (retryDelayMs % 1000) * 1e6 } }).finish() }];
  return Buffer.from(RpcStatus.encode(RpcStatus.fromObject({ code, message, details })).finish());
}

export interface ReceivedExport {
  signal: Signal;
  /** HTTP path, or gRPC method. */
  path: string;
  /** HTTP headers, or gRPC metadata. */
  headers: IncomingHttpHeaders | Record<string, unknown>;
  /** The request decoded with the official definitions, as a plain object. */
  request: Record<string, any>;
  /** Bytes of the body as they arrived (compressed when the request was). */
  wireBytes: number;
  /** Subject CN of the client certificate, over TLS. */
  clientCertificate?: string;
}

/** How the next request is answered; when none is queued, a full success. */
export type Answer =
  | { partial: { rejected: number; message: string } }
  | { status: number; body?: string | Buffer; headers?: Record<string, string> }
  | { grpc: number; details?: string; retryDelayMs?: number }
  | 'hang';

abstract class Receiver {
  readonly exports: ReceivedExport[] = [];
  /** Answers for the coming requests of each signal, in order. */
  readonly answers: Record<Signal, Answer[]> = { metrics: [], logs: [] };
  private waiters: { done: () => boolean; resolve: () => void }[] = [];

  /** Resolves once `count` exports have arrived in all. */
  received(count: number): Promise<void> {
    return this.until(() => this.exports.length >= count);
  }

  /** Resolves once what has arrived makes `done` true. */
  until(done: () => boolean): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ done, resolve }));
  }

  of(signal: Signal): ReceivedExport[] {
    return this.exports.filter((e) => e.signal === signal);
  }

  protected arrived(e: ReceivedExport): void {
    this.exports.push(e);
    this.waiters = this.waiters.filter((w) => (w.done() ? (w.resolve(), false) : true));
  }

  abstract close(): Promise<void>;
}

function signalOfPath(path: string): Signal | undefined {
  return path.endsWith('/v1/metrics') ? 'metrics' : path.endsWith('/v1/logs') ? 'logs' : undefined;
}

/** OTLP/HTTP: protobuf or JSON as the Content-Type says, gzipped or not as Content-Encoding says. */
export class HttpReceiver extends Receiver {
  private constructor(
    private readonly server: Server,
    private readonly scheme: 'http' | 'https',
  ) {
    super();
    server.on('request', (req, res) => this.handle(req, res));
  }

  static async start(tls?: ServerOptions): Promise<HttpReceiver> {
    const receiver = new HttpReceiver(tls ? createHttpsServer(tls) : createHttpServer(), tls ? 'https' : 'http');
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  /** The base URL, as `endpoint` takes it. */
  get endpoint(): string {
    return `${this.scheme}://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '';
      const signal = signalOfPath(path);
      if (!signal) return void res.writeHead(404).end('no such path');
      const raw = Buffer.concat(chunks);
      const body = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
      const json = req.headers['content-type'] === 'application/json';
      const type = TYPES[signal].request;
      const message = json ? type.fromObject(JSON.parse(body.toString('utf8'))) : type.decode(body);
      const socket = req.socket as TLSSocket;
      const peer = typeof socket.getPeerCertificate === 'function' ? socket.getPeerCertificate() : undefined;
      this.arrived({ signal, path, headers: req.headers, request: type.toObject(message, AS_OBJECT), wireBytes: raw.length, clientCertificate: peer?.subject?.CN ? String(peer.subject.CN) : undefined });
      const answer = this.answers[signal].shift() ?? { partial: { rejected: 0, message: '' } };
      if (answer === 'hang') return;
      if ('grpc' in answer) throw new Error('a gRPC answer queued on the HTTP receiver');
      if ('status' in answer) return void res.writeHead(answer.status, answer.headers ?? {}).end(answer.body ?? '');
      const partialSuccess = answer.partial.rejected || answer.partial.message ? answer.partial : undefined;
      res.writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf' }).end(json ? jsonResponse(signal, partialSuccess) : protobufResponse(signal, partialSuccess));
    });
  }
}

function partialFields(signal: Signal, partial: { rejected: number; message: string }) {
  return signal === 'metrics' ? { rejectedDataPoints: partial.rejected, errorMessage: partial.message } : { rejectedLogRecords: partial.rejected, errorMessage: partial.message };
}

function protobufResponse(signal: Signal, partial?: { rejected: number; message: string }): Buffer {
  const type = TYPES[signal].response;
  return Buffer.from(type.encode(type.fromObject(partial ? { partialSuccess: partialFields(signal, partial) } : {})).finish());
}

function jsonResponse(signal: Signal, partial?: { rejected: number; message: string }): string {
  if (!partial) return '{}';
  const fields = partialFields(signal, partial);
  // OTLP JSON writes int64 as a string.
  return JSON.stringify({ partialSuccess: Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, typeof v === 'number' ? String(v) : v])) });
}

const GRPC_METHODS: Record<Signal, string> = {
  metrics: '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export',
  logs: '/opentelemetry.proto.collector.logs.v1.LogsService/Export',
};

/** OTLP/gRPC with pass-through (de)serializers: the bytes are decoded here, with the official definitions. */
export class GrpcReceiver extends Receiver {
  private constructor(
    private readonly server: GrpcServer,
    readonly port: number,
  ) {
    super();
  }

  /** With `tls.requireClientCertificate`, a client without a certificate signed by `tls.ca` is refused. */
  static async start(tls?: { ca: Buffer; cert: Buffer; key: Buffer; requireClientCertificate?: boolean }): Promise<GrpcReceiver> {
    const server = new GrpcServer();
    let receiver: GrpcReceiver | undefined;
    const pass = (b: Buffer) => b;
    for (const signal of ['metrics', 'logs'] as const) {
      const method = { path: GRPC_METHODS[signal], requestStream: false, responseStream: false, requestSerialize: pass, requestDeserialize: pass, responseSerialize: pass, responseDeserialize: pass };
      server.addService({ Export: method }, { Export: (call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>) => receiver!.handle(signal, call, callback) });
    }
    const credentials = tls ? ServerCredentials.createSsl(tls.ca, [{ cert_chain: tls.cert, private_key: tls.key }], tls.requireClientCertificate ?? false) : ServerCredentials.createInsecure();
    const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', credentials, (err, p) => (err ? reject(err) : resolve(p))));
    receiver = new GrpcReceiver(server, port);
    return receiver;
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  async close(): Promise<void> {
    this.server.forceShutdown();
  }

  private handle(signal: Signal, call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>): void {
    const type = TYPES[signal].request;
    const peer = call.getAuthContext()?.sslPeerCertificate;
    this.arrived({ signal, path: GRPC_METHODS[signal], headers: call.metadata.getMap(), request: type.toObject(type.decode(call.request), AS_OBJECT), wireBytes: call.request.length, clientCertificate: peer?.subject?.CN ? String(peer.subject.CN) : undefined });
    const answer = this.answers[signal].shift() ?? { partial: { rejected: 0, message: '' } };
    if (answer === 'hang') return;
    if ('status' in answer) throw new Error('an HTTP answer queued on the gRPC receiver');
    if ('grpc' in answer) {
      const metadata = new Metadata();
      if (answer.retryDelayMs !== undefined) metadata.set('grpc-status-details-bin', encodeRpcStatus(answer.grpc, answer.details ?? '', answer.retryDelayMs));
      return callback({ code: answer.grpc, details: answer.details ?? '', metadata });
    }
    callback(null, protobufResponse(signal, answer.partial.rejected || answer.partial.message ? answer.partial : undefined));
  }
}

/**
 * A TCP relay in front of a server that counts the bytes clients send through it: the way to see
 * that gRPC requests are compressed, since grpc-js decompresses before a handler sees them.
 */
export class CountingRelay {
  bytesIn = 0;
  private readonly sockets = new Set<Socket>();

  private constructor(private readonly server: TcpServer) {}

  static async start(targetPort: number): Promise<CountingRelay> {
    let relay: CountingRelay | undefined;
    const server = createTcpServer((client) => {
      const upstream = connect(targetPort, '127.0.0.1');
      for (const s of [client, upstream]) {
        relay!.sockets.add(s);
        s.on('close', () => relay!.sockets.delete(s));
        s.on('error', () => s.destroy());
      }
      client.on('data', (chunk: Buffer) => (relay!.bytesIn += chunk.length));
      client.pipe(upstream).pipe(client);
    });
    relay = new CountingRelay(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return relay;
  }

  get address(): string {
    return `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }
}
