import { createSecureContext } from 'node:tls';
import { ChannelCredentials, Client, credentials, Metadata, status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import type { ClientTls } from '@vigil/core';
import { exportWritten, grpcErrorResult, type ExportResult } from './export-result.js';
import type { Signal, SignalSettings } from './export-settings.js';
import type { ExportTransport } from './http-export.js';
import { partialSuccessOf } from './request-body.js';
import { decodeRpcStatus } from './rpc-status.js';

export const GRPC_METHODS: Record<Signal, string> = {
  metrics: '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export',
  logs: '/opentelemetry.proto.collector.logs.v1.LogsService/Export',
};

// grpc-js's number for gzip in `grpc.default_compression_algorithm`.
const GZIP = 2;

const passThrough = (bytes: Buffer): Buffer => bytes;

/**
 * OTLP/gRPC: a raw unary call with pass-through (de)serializers, so the request is the
 * transformer's protobuf bytes and the response is read by its deserializer. grpc-js's own
 * retries are off: the agent's buffer and backoff do the retrying.
 */
export class GrpcExport implements ExportTransport {
  private readonly client: Client;
  private readonly metadata = new Metadata();
  private readonly where: string;

  constructor(
    private readonly settings: SignalSettings,
    tls: ClientTls,
    userAgent: string,
  ) {
    const target = settings.grpc!;
    let creds: ChannelCredentials = credentials.createInsecure();
    if (target.secure) {
      const verify = tls.rejectUnauthorized ? {} : { rejectUnauthorized: false, checkServerIdentity: () => undefined };
      // A secure context of our own carries what createSsl cannot: key passphrase, lowest version, suites.
      const { ca, cert, key, passphrase, minVersion, ciphers } = tls;
      creds = credentials.createFromSecureContext(createSecureContext({ ca, cert, key, passphrase, minVersion, ciphers }), verify);
    }
    this.client = new Client(target.address, creds, {
      'grpc.enable_retries': 0,
      'grpc.primary_user_agent': userAgent,
      // The name sent in the handshake and checked in the certificate (tls_server_name).
      ...(target.secure && tls.servername ? { 'grpc.ssl_target_name_override': tls.servername } : {}),
      ...(settings.compression === 'gzip' ? { 'grpc.default_compression_algorithm': GZIP } : {}),
    });
    // Metadata keys are lower case on the wire; grpc-js refuses upper case ones.
    for (const [name, value] of Object.entries(settings.headers)) this.metadata.set(name.toLowerCase(), value);
    this.where = `${settings.shownEndpoint} (${GRPC_METHODS[settings.signal].split('.').pop()})`;
  }

  send(body: Uint8Array, signal: AbortSignal): Promise<ExportResult> {
    const { timeoutMs, signal: kind } = this.settings;
    return new Promise((resolve) => {
      let cancelled = false;
      const call = this.client.makeUnaryRequest(
        GRPC_METHODS[kind],
        passThrough,
        passThrough,
        Buffer.from(body.buffer, body.byteOffset, body.byteLength),
        this.metadata,
        { deadline: Date.now() + timeoutMs },
        (err: ServiceError | null, response?: Buffer) => {
          signal.removeEventListener('abort', cancel);
          if (!err) return resolve(exportWritten(partialSuccessOf(kind, response ?? new Uint8Array(), false)));
          const details = err.metadata?.get('grpc-status-details-bin')[0];
          const status = Buffer.isBuffer(details) ? decodeRpcStatus(details) : undefined;
          // A DEADLINE_EXCEEDED from our deadline and a CANCELLED from the agent are named as such.
          const local = cancelled && err.code === GrpcStatus.CANCELLED ? 'cancelled' : err.code === GrpcStatus.DEADLINE_EXCEEDED && /deadline exceeded/i.test(err.details) && !status ? 'deadline' : undefined;
          resolve(grpcErrorResult(err.code, err.details, status, this.where, local, timeoutMs));
        },
      );
      const cancel = () => {
        cancelled = true;
        call.cancel();
      };
      if (signal.aborted) cancel();
      else signal.addEventListener('abort', cancel, { once: true });
    });
  }

  close(): void {
    this.client.close();
  }
}
