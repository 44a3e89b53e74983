/**
 * google.rpc.Status: the body of an OTLP/HTTP error and the `grpc-status-details-bin` trailer
 * of a gRPC one. Read for its message and for a RetryInfo detail, whose presence makes
 * RESOURCE_EXHAUSTED retryable and whose delay says when to retry.
 */
import protobuf from 'protobufjs';

// The messages of google/rpc/status.proto, google/rpc/error_details.proto (RetryInfo),
// google/protobuf/any.proto and duration.proto, as protobufjs reflection.
const root = protobuf.Root.fromJSON({
  nested: {
    google: {
      nested: {
        rpc: {
          nested: {
            Status: { fields: { code: { type: 'int32', id: 1 }, message: { type: 'string', id: 2 }, details: { rule: 'repeated', type: 'google.protobuf.Any', id: 3 } } },
            RetryInfo: { fields: { retryDelay: { type: 'google.protobuf.Duration', id: 1 } } },
          },
        },
        protobuf: {
          nested: {
            Any: { fields: { type_url: { type: 'string', id: 1 }, value: { type: 'bytes', id: 2 } } },
            Duration: { fields: { seconds: { type: 'int64', id: 1 }, nanos: { type: 'int32', id: 2 } } },
          },
        },
      },
    },
  },
});
const StatusType = root.lookupType('google.rpc.Status');
const RetryInfoType = root.lookupType('google.rpc.RetryInfo');
const RETRY_INFO_URL = 'type.googleapis.com/google.rpc.RetryInfo';

export interface RpcStatus {
  code: number;
  message: string;
  /** Set when the status carries a RetryInfo: its delay in milliseconds (0 when it gives none). */
  retryDelayMs?: number;
}

/** The Status in `bytes`, or undefined when they are not one. */
export function decodeRpcStatus(bytes: Uint8Array): RpcStatus | undefined {
  let status: { code?: number; message?: string; details?: { type_url?: string; value?: Uint8Array }[] };
  try {
    status = StatusType.toObject(StatusType.decode(bytes), { longs: Number, defaults: false }) as typeof status;
  } catch {
    return undefined;
  }
  const result: RpcStatus = { code: status.code ?? 0, message: status.message ?? '' };
  for (const detail of status.details ?? []) {
    if (detail.type_url !== RETRY_INFO_URL) continue;
    try {
      const info = RetryInfoType.toObject(RetryInfoType.decode(detail.value ?? new Uint8Array()), { longs: Number }) as { retryDelay?: { seconds?: number; nanos?: number } };
      result.retryDelayMs = Math.max(0, (info.retryDelay?.seconds ?? 0) * 1000 + Math.round((info.retryDelay?.nanos ?? 0) / 1e6));
    } catch {
      result.retryDelayMs = 0;
    }
  }
  return result;
}
