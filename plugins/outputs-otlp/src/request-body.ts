/**
 * The bytes of an export request, made by the OpenTelemetry JS serializers, and what the
 * receiver's answer says about partial success.
 */
import { JsonLogsSerializer, JsonMetricsSerializer, ProtobufLogsSerializer, ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { Signal } from './export-settings.js';
import type { Protocol } from './options.js';

function serialized(bytes: Uint8Array | undefined, what: string): Uint8Array {
  if (!bytes) throw new Error(`the OTLP serializer could not encode the ${what}`);
  return bytes;
}

/**
 * One ExportMetricsServiceRequest holding every resource. The serializers take one resource per
 * request: protobuf messages concatenated are one message whose repeated fields hold both
 * (the encoding's merge rule), and JSON ones are joined by their `resourceMetrics`.
 */
export function metricsRequestBody(protocol: Protocol, resourceMetrics: readonly ResourceMetrics[]): Uint8Array {
  if (protocol !== 'http/json') {
    const parts = resourceMetrics.map((rm) => serialized(ProtobufMetricsSerializer.serializeRequest(rm), 'metrics'));
    return parts.length === 1 ? parts[0] : Buffer.concat(parts);
  }
  const parts = resourceMetrics.map((rm) => serialized(JsonMetricsSerializer.serializeRequest(rm), 'metrics'));
  if (parts.length === 1) return parts[0];
  const decoder = new TextDecoder();
  const joined = parts.flatMap((p) => (JSON.parse(decoder.decode(p)) as { resourceMetrics: unknown[] }).resourceMetrics);
  return Buffer.from(JSON.stringify({ resourceMetrics: joined }));
}

export function logsRequestBody(protocol: Protocol, records: ReadableLogRecord[]): Uint8Array {
  const serializer = protocol === 'http/json' ? JsonLogsSerializer : ProtobufLogsSerializer;
  return serialized(serializer.serializeRequest(records), 'log records');
}

export const CONTENT_TYPES: Record<Exclude<Protocol, 'grpc'>, string> = { 'http/protobuf': 'application/x-protobuf', 'http/json': 'application/json' };

export interface PartialSuccess {
  /** Data points or log records the receiver refused. */
  rejected: number;
  message: string;
}

/**
 * The `partial_success` of an Export…ServiceResponse, when the receiver set one. `json` says how
 * the body is encoded. A body that cannot be read says nothing: the export itself succeeded.
 */
export function partialSuccessOf(signal: Signal, body: Uint8Array, json: boolean): PartialSuccess | undefined {
  if (body.length === 0) return undefined;
  let partial: { rejectedDataPoints?: unknown; rejectedLogRecords?: unknown; errorMessage?: unknown } | undefined;
  try {
    if (signal === 'metrics') partial = (json ? JsonMetricsSerializer : ProtobufMetricsSerializer).deserializeResponse(body).partialSuccess as typeof partial;
    else partial = (json ? JsonLogsSerializer : ProtobufLogsSerializer).deserializeResponse(body).partialSuccess as typeof partial;
  } catch {
    return undefined;
  }
  if (!partial) return undefined;
  const rejected = Number(signal === 'metrics' ? (partial.rejectedDataPoints ?? 0) : (partial.rejectedLogRecords ?? 0));
  const message = typeof partial.errorMessage === 'string' ? partial.errorMessage : '';
  if (!(rejected > 0) && !message) return undefined;
  return { rejected: Number.isFinite(rejected) ? rejected : 0, message };
}
