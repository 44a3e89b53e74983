import { formatDuration, MAX_RETRY_AFTER_MS, parseRetryAfter, rejectBatch, retryLater, socketErrorText, written, type WriteResult } from '@vigil/core';
import { RequestError, TimeoutError } from 'got';
import type { PartialSuccess } from './request-body.js';
import type { RpcStatus } from './rpc-status.js';

/** What one export request (one signal) came to. */
export interface ExportResult {
  result: WriteResult;
  /** The receiver took the request but refused part of it (or warned). */
  partial?: PartialSuccess;
}

export const exportWritten = (partial?: PartialSuccess): ExportResult => (partial ? { result: written(), partial } : { result: written() });

/** OTLP/HTTP: these are retried, every other 4xx and 5xx is not (the OTLP spec, "Failures"). */
const RETRYABLE_HTTP = new Set([429, 502, 503, 504]);

function snippet(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, 200);
}

/**
 * An OTLP/HTTP error answer. The body should be a google.rpc.Status (protobuf or JSON, as the
 * request was); its message is shown, else the start of the body as text.
 */
export function httpErrorResult(status: number, retryAfter: string | string[] | undefined, message: string, shownUrl: string): ExportResult {
  const said = snippet(message);
  const reason = `${shownUrl} answered HTTP ${status}${said ? `: ${said}` : ''}`;
  if (status >= 300 && status < 400) return { result: rejectBatch(`${reason} (redirects are not followed)`) };
  return { result: RETRYABLE_HTTP.has(status) ? retryLater(reason, parseRetryAfter(retryAfter)) : rejectBatch(reason) };
}

/** No HTTP answer at all: always retried, since none of these says anything about the data. */
export function httpRequestErrorResult(err: unknown, shownUrl: string, timeoutMs: number, responseTimeoutMs = 0): ExportResult {
  let what = (err as Error).message?.split('\n')[0] ?? String(err);
  if (err instanceof RequestError) {
    // got reports an aborted signal whose reason is a TimeoutError as a TimeoutError with no event.
    if (err instanceof TimeoutError && err.event === 'response') what = `no answer within ${formatDuration(responseTimeoutMs)} of sending (response_timeout)`;
    else if (err instanceof TimeoutError && err.event) what = `no answer within ${formatDuration(timeoutMs)} (timeout)`;
    else if (err.name === 'AbortError' || err.name === 'TimeoutError') what = 'abandoned: the write was cancelled by the agent';
    else what = socketErrorText(err.code) ?? what;
  }
  return { result: retryLater(`${shownUrl}: ${what}`) };
}

/** gRPC status codes by number, as the OTLP spec's table names them. */
export const GRPC_CODE_NAMES = [
  'OK', 'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND', 'ALREADY_EXISTS', 'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION', 'ABORTED', 'OUT_OF_RANGE', 'UNIMPLEMENTED', 'INTERNAL', 'UNAVAILABLE', 'DATA_LOSS', 'UNAUTHENTICATED',
];

/** OTLP/gRPC retryable codes; RESOURCE_EXHAUSTED only when the status carries RetryInfo. */
const RETRYABLE_GRPC = new Set(['CANCELLED', 'DEADLINE_EXCEEDED', 'ABORTED', 'OUT_OF_RANGE', 'UNAVAILABLE', 'DATA_LOSS']);

/**
 * An OTLP/gRPC failure. `details` is grpc-js's text for the status; `status` the decoded
 * `grpc-status-details-bin` when the server sent one (its RetryInfo delay sets the next try).
 * `local` says the code came from this side: our deadline or the agent cancelling the write.
 */
export function grpcErrorResult(code: number, details: string, status: RpcStatus | undefined, where: string, local?: 'deadline' | 'cancelled', timeoutMs = 0): ExportResult {
  const name = GRPC_CODE_NAMES[code] ?? `code ${code}`;
  if (local === 'deadline') return { result: retryLater(`${where}: no answer within ${formatDuration(timeoutMs)} (timeout)`) };
  if (local === 'cancelled') return { result: retryLater(`${where}: abandoned: the write was cancelled by the agent`) };
  // grpc-js ends a connection failure with an empty "Resolution note:".
  const said = snippet(status?.message || details.replace(/\s*Resolution note:\s*$/, ''));
  const reason = `${where}: gRPC ${name}${said ? `: ${said}` : ''}`;
  const retryable = RETRYABLE_GRPC.has(name) || (name === 'RESOURCE_EXHAUSTED' && status?.retryDelayMs !== undefined);
  if (!retryable) return { result: rejectBatch(reason) };
  const delay = status?.retryDelayMs;
  return { result: retryLater(reason, delay ? Math.min(delay, MAX_RETRY_AFTER_MS) : undefined) };
}
