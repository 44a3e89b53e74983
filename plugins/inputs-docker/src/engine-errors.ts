import { formatDuration } from '@vigil/core';

/** What dockerode and node hand back when a request fails. */
interface RequestError extends Error {
  code?: string;
  statusCode?: number;
  json?: unknown;
}

/** Thrown when a request outlives the `timeout` option. */
export class EngineTimeout extends Error {}

const TLS_CODE = /^(ERR_TLS|ERR_SSL|ERR_OSSL|CERT_|DEPTH_ZERO|UNABLE_TO_|SELF_SIGNED|HOSTNAME_MISMATCH|EPROTO)/;
// The engine's TLS alerts when it wants a client certificate it does not get or trust.
const CLIENT_CERT_REFUSED = /ALERT_(BAD_CERTIFICATE|CERTIFICATE_REQUIRED|UNKNOWN_CA|CERTIFICATE_UNKNOWN)$/;

/** OpenSSL's "805C…:error:0A000412:SSL routines:ssl3_read_bytes:sslv3 alert bad certificate:…" → its reason. */
function opensslReason(message: string): string {
  return /^[0-9A-F]+:error:[0-9A-F]+:[^:]*:[^:]*:([^:]+):/.exec(message)?.[1] ?? message;
}

function engineMessage(err: RequestError): string {
  const json = err.json as { message?: unknown } | string | undefined;
  const text = typeof json === 'object' && json && typeof json.message === 'string' ? json.message : typeof json === 'string' ? json : err.message.replace(/^\(HTTP code \d+\)\s*[\w ]*-\s*/, '');
  return text.trim();
}

/**
 * One line for an engine request that failed: it names the endpoint and says what happened in
 * words, without a stack trace.
 */
export function describeEngineError(err: unknown, endpoint: string, timeoutMs: number): string {
  const e = err as RequestError;
  let text: string;
  if (err instanceof EngineTimeout) {
    text = `the Docker engine at ${endpoint} did not answer within ${formatDuration(timeoutMs)}`;
  } else if (typeof e.statusCode === 'number') {
    text = `the Docker engine at ${endpoint} answered HTTP ${e.statusCode}: ${engineMessage(e)}`;
  } else if (e.code === 'ENOENT') {
    text = `no Docker engine at ${endpoint}: the socket does not exist (is dockerd running?)`;
  } else if (e.code === 'ECONNREFUSED') {
    text = `the Docker engine at ${endpoint} refused the connection (is dockerd running?)`;
  } else if (e.code === 'EACCES' || e.code === 'EPERM') {
    text = `permission denied on ${endpoint}: the agent's user may not use the Docker socket (add it to the "docker" group)`;
  } else if (e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN') {
    text = `cannot resolve the host of ${endpoint}`;
  } else if (e.code === 'ECONNRESET' || e.code === 'EPIPE' || e.message === 'socket hang up') {
    text = `the Docker engine at ${endpoint} closed the connection`;
  } else if (e.code && CLIENT_CERT_REFUSED.test(e.code)) {
    text = `the Docker engine at ${endpoint} refused this client's certificate (or its absence): set tls_cert and tls_key to one its CA signed`;
  } else if (e.code && TLS_CODE.test(e.code)) {
    text = `TLS with the Docker engine at ${endpoint} failed: ${opensslReason(e.message)}`;
  } else {
    text = `the Docker engine at ${endpoint} failed: ${e.message ?? String(err)}`;
  }
  return text.replace(/\s+/g, ' ');
}

/** True for the engine's "no such container": it went away between listing and reading. */
export function isGone(err: unknown): boolean {
  return (err as RequestError).statusCode === 404;
}
