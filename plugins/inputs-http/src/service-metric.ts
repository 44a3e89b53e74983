import { redactUrlCredentials, type Accumulator, type Fields, type Tags } from '@vigil/core';
import type { CertificateFacts } from './certificate.js';
import type { CheckResult } from './check.js';
import { RESULT_CODES } from './outcome.js';

const DAY_MS = 86_400_000;

/** inputs.http's `http_response` metric: Telegraf's fields, the time in ms, plus `up`, `error` and the certificate. */
export function addServiceMetric(acc: Accumulator, name: string, method: string, url: string, r: CheckResult): void {
  const tags: Tags = { name, server: redactUrlCredentials(url), method };
  const fields: Fields = {};
  if (r.responseTimeMs !== undefined) fields.response_time_ms = r.responseTimeMs;
  if (r.statusCode !== undefined) {
    tags.status_code = String(r.statusCode);
    fields.http_response_code = BigInt(r.statusCode);
  }
  if (r.contentLength !== undefined) fields.content_length = BigInt(r.contentLength);
  if (r.certificate) addCertificate(r.certificate, tags, fields);
  if (r.matched !== undefined) fields.response_string_match = r.matched ? 1n : 0n;
  tags.result = r.result;
  fields.result_code = BigInt(RESULT_CODES[r.result]);
  fields.up = r.result === 'success' ? 1n : 0n;
  if (r.error) fields.error = r.error;
  acc.addFields('http_response', fields, tags);
}

function addCertificate(cert: CertificateFacts, tags: Tags, fields: Fields): void {
  tags.tls_issuer = cert.issuer;
  tags.tls_subject = cert.subject;
  fields.tls_cert_valid = cert.valid ? 1n : 0n;
  fields.tls_expiry_days = (cert.notAfter - Date.now()) / DAY_MS;
  fields.tls_not_after = BigInt(Math.floor(cert.notAfter / 1000));
}
