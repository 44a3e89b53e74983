import type { ClientRequest } from 'node:http';
import type { Socket } from 'node:net';
import { redactUrlCredentials, type Fields, type Tags, type TlsFiles } from '@vigil/core';
import type { Got, RequestError } from 'got';
import { fetchCertificate, HandshakeWatcher, type CertificateFacts } from './certificate.js';
import { classifyRequestError, RESULT_CODES, type Failure, type Result } from './outcome.js';

/** What every check of a block shares. */
export interface CheckPlan {
  name: string;
  method: string;
  expectedStatus: number[];
  pattern?: RegExp;
  request: Got;
  tls: TlsFiles;
}

/** How long this check may take, and how a timeout is described. */
export interface TimeLimit {
  ms: number;
  error: string;
}

export interface ServiceReport {
  tags: Tags;
  fields: Fields;
}

const DAY_MS = 86_400_000;

/** Checks one URL. Never throws: a service that is down is reported, not an error. */
export async function checkService(plan: CheckPlan, url: string, limit: TimeLimit, signal: AbortSignal): Promise<ServiceReport> {
  const tags: Tags = { name: plan.name, server: redactUrlCredentials(url), method: plan.method };
  const fields: Fields = {};
  // A check that waited in the queue until its gather's time ran out is not started at all.
  const failure = limit.ms < 1 ? { result: 'timeout' as const, error: limit.error } : await request(plan, url, limit, signal, tags, fields);
  const result: Result = failure?.result ?? 'success';
  tags.result = result;
  fields.result_code = BigInt(RESULT_CODES[result]);
  fields.up = result === 'success' ? 1n : 0n;
  if (failure) fields.error = failure.error;
  return { tags, fields };
}

/** Makes the request, adds what the answer (or its absence) tells, and returns the failure, if any. */
async function request(plan: CheckPlan, url: string, limit: TimeLimit, signal: AbortSignal, tags: Tags, fields: Fields): Promise<Failure | undefined> {
  const watcher = new HandshakeWatcher();
  const started = performance.now();
  try {
    const pending = plan.request(url, { timeout: { request: limit.ms }, signal, responseType: 'buffer' });
    pending.on('request', (req: ClientRequest) => req.once('socket', (socket: Socket) => watcher.watch(socket)));
    const response = await pending;
    fields.response_time_ms = performance.now() - started;
    tags.status_code = String(response.statusCode);
    fields.http_response_code = BigInt(response.statusCode);
    fields.content_length = BigInt(response.body.length);
    if (watcher.certificate) addCertificate(watcher.certificate, tags, fields);
    const matched = plan.pattern?.test(response.body.toString('utf8'));
    if (matched !== undefined) fields.response_string_match = matched ? 1n : 0n;
    if (!plan.expectedStatus.includes(response.statusCode)) {
      return { result: 'response_status_code_mismatch', error: `status ${response.statusCode}, expected ${plan.expectedStatus.join(' or ')}` };
    }
    if (matched === false) return { result: 'response_string_mismatch', error: `body does not match ${plan.pattern}` };
    return undefined;
  } catch (err) {
    const failure = classifyRequestError(err, { handshakeCutShort: watcher.handshakeCutShort, timeoutError: limit.error });
    const certificate =
      failure.result === 'tls_error' && watcher.handshakeCutShort
        ? await certificateOfFailedHop(err as RequestError, url, plan.tls, limit.ms - (performance.now() - started))
        : watcher.certificate;
    if (certificate) addCertificate(certificate, tags, fields);
    return failure;
  }
}

/** The handshake failed, most often because verification refused the certificate: look at it on its own. */
function certificateOfFailedHop(err: RequestError, url: string, tls: TlsFiles, msLeft: number): Promise<CertificateFacts | undefined> {
  if (msLeft < 1) return Promise.resolve(undefined);
  return fetchCertificate(new URL(String(err.options?.url ?? url)), tls, msLeft);
}

function addCertificate(cert: CertificateFacts, tags: Tags, fields: Fields): void {
  tags.tls_issuer = cert.issuer;
  tags.tls_subject = cert.subject;
  fields.tls_cert_valid = cert.valid ? 1n : 0n;
  fields.tls_expiry_days = (cert.notAfter - Date.now()) / DAY_MS;
  fields.tls_not_after = BigInt(Math.floor(cert.notAfter / 1000));
}
