import { defineOutput, readSample } from '@vigil/core';
import { getHostSnapshot } from '@vigil/host';
import { ApiClient } from './api-client.js';
import { EdgeOutput } from './edge-output.js';
import { checkIngestOptions, schema, type IngestOptions } from './options.js';
import { PlatformOutput } from './platform-output.js';

/** Every value a log line or reason must not show: the token, client secrets and passwords, the URLs' own credentials. */
function secretsOf(o: IngestOptions): string[] {
  const secrets = [o.token, o.client_secret, o.tls_key_pwd, o.cookie_auth_password, ...Object.values(o.cookie_auth_headers)];
  for (const url of [o.api_url, o.http_proxy_url, o.token_url, o.cookie_auth_url]) {
    try {
      const { password } = new URL(url);
      secrets.push(password);
      secrets.push(decodeURIComponent(password));
    } catch {
      // "" or a URL check() refuses; an undecodable password is blanked as written.
    }
  }
  // Short values would blank parts of every word; the agent's redactor ignores them too.
  return secrets.filter((s) => s.length >= 3).sort((a, b) => b.length - a.length);
}

export default defineOutput<IngestOptions>({
  name: 'ingest',
  description: 'Sends events to the edge ingest gateway (effectively once), or items to the platform agent API',
  accepts: ['metric', 'log'],
  // Effectively once needs the batch ids a disk buffer keeps across restarts.
  bufferStrategy: 'disk',
  sample: readSample(import.meta.url),
  schema,
  check: checkIngestOptions,
  create(ctx) {
    const o = ctx.options;
    // The platform agent's api_endpoint ended in /api, which every route already starts with.
    const baseUrl = o.contract === 'platform' ? o.api_url.replace(/\/api\/?$/, '') : o.api_url;
    const client = new ApiClient({
      baseUrl,
      token: o.token,
      headers: o.contract === 'edge' ? { 'x-workspace-id': o.workspace_id } : {},
      gzip: o.content_encoding === 'gzip',
      timeoutMs: o.timeout,
      userAgent: `vigil/${ctx.agent.version}`,
      client: o,
    });
    // A gateway may echo the token back in an error body.
    const secrets = secretsOf(o);
    const redact = (text: string) => secrets.reduce((out, s) => out.split(s).join('***'), ctx.agent.redact(text));
    const snapshot = () => getHostSnapshot();
    return o.contract === 'edge' ? new EdgeOutput(ctx, client, snapshot, redact) : new PlatformOutput(ctx, client, snapshot, redact);
  },
});
