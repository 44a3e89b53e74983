import type { ClientRequest } from 'node:http';
import type { Socket } from 'node:net';
import { readBoundedAnswer, type ClientTls } from '@vigil/core';
import type { Got, RequestError, Response } from 'got';
import { fetchCertificate, HandshakeWatcher, type CertificateFacts } from './certificate.js';
import { classifyRequestError, type Failure, type Result } from './outcome.js';

/**
 * What every check of a block shares. inputs.http and inputs.http_response both run their
 * checks through checkUrl and differ only in how they turn its CheckResult into a metric.
 */
export interface CheckPlan {
  /** Status codes that pass; undefined: any status does. */
  expectedStatus?: number[];
  pattern?: RegExp;
  /** The most bytes of a body read; a longer body fails the check as a body_read_error. */
  maxBodyBytes: number;
  /** Keep the body (up to maxBodyBytes) in the result, for `response_body_field`. */
  keepBody: boolean;
  request: Got;
  tls: ClientTls;
}

/** How long this check may take, and how a timeout is described. */
export interface TimeLimit {
  ms: number;
  error: string;
}

/** What one check found; what is unknown (no answer, no handshake) is left out. */
export interface CheckResult {
  result: Result;
  error?: string;
  /** Milliseconds from the start of the request to the last byte of the body. */
  responseTimeMs?: number;
  statusCode?: number;
  /** Bytes of the body read. */
  contentLength?: number;
  body?: string;
  /** Whether the body matched `pattern`, when there is one and a body was read. */
  matched?: boolean;
  /** Whether the status was one of `expectedStatus`, when there is such a list. */
  statusMatched?: boolean;
  certificate?: CertificateFacts;
}

/** Checks one URL. Never throws: a service that is down is reported, not an error. */
export async function checkUrl(plan: CheckPlan, url: string, limit: TimeLimit, signal: AbortSignal): Promise<CheckResult> {
  // A check that waited in the queue until its gather's time ran out is not started at all.
  if (limit.ms < 1) return { result: 'timeout', error: limit.error };
  const found: Omit<CheckResult, 'result'> = {};
  const failure = await request(plan, url, limit, signal, found);
  return { ...found, result: failure?.result ?? 'success', ...(failure ? { error: failure.error } : {}) };
}

/** Makes the request, notes what the answer (or its absence) tells, and returns the failure, if any. */
async function request(plan: CheckPlan, url: string, limit: TimeLimit, signal: AbortSignal, found: Omit<CheckResult, 'result'>): Promise<Failure | undefined> {
  const watcher = new HandshakeWatcher();
  const started = performance.now();
  try {
    const stream = plan.request.stream(url, { timeout: { request: limit.ms }, signal });
    stream.on('request', (req: ClientRequest) => req.once('socket', (socket: Socket) => watcher.watch(socket)));
    // At most maxBodyBytes are kept; a longer body is left unread and its connection closed.
    const { response, body, truncated } = await readBoundedAnswer<Response>(stream, plan.maxBodyBytes);
    noteStatus(plan, response.statusCode, found);
    if (watcher.certificate) found.certificate = watcher.certificate;
    if (truncated) return { result: 'body_read_error', error: `body longer than ${plan.maxBodyBytes} bytes: read stopped there` };
    found.responseTimeMs = performance.now() - started;
    found.contentLength = body.length;
    const text = body.toString('utf8');
    if (plan.keepBody) found.body = text;
    if (plan.pattern) found.matched = plan.pattern.test(text);
    if (found.statusMatched === false) return { result: 'response_status_code_mismatch', error: `status ${response.statusCode}, expected ${plan.expectedStatus!.join(' or ')}` };
    if (found.matched === false) return { result: 'response_string_mismatch', error: `body does not match ${plan.pattern}` };
    return undefined;
  } catch (err) {
    const failure = classifyRequestError(err, { handshakeCutShort: watcher.handshakeCutShort, timeoutError: limit.error });
    const certificate =
      failure.result === 'tls_error' && watcher.handshakeCutShort
        ? await certificateOfFailedHop(err as RequestError, url, plan.tls, limit.ms - (performance.now() - started))
        : watcher.certificate;
    if (certificate) found.certificate = certificate;
    return failure;
  }
}

function noteStatus(plan: CheckPlan, statusCode: number, found: Omit<CheckResult, 'result'>): void {
  found.statusCode = statusCode;
  if (plan.expectedStatus) found.statusMatched = plan.expectedStatus.includes(statusCode);
}

/** The handshake failed, most often because verification refused the certificate: look at it on its own. */
function certificateOfFailedHop(err: RequestError, url: string, tls: ClientTls, msLeft: number): Promise<CertificateFacts | undefined> {
  if (msLeft < 1) return Promise.resolve(undefined);
  return fetchCertificate(new URL(String(err.options?.url ?? url)), tls, msLeft);
}
