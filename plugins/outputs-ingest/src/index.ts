import { defineOutput, httpClientSecrets, readSample } from '@vigil/core';
import { getHostSnapshot } from '@vigil/host';
import { ApiClient } from './api-client.js';
import { EdgeOutput } from './edge-output.js';
import { checkIngestOptions, schema, type IngestOptions } from './options.js';
import { PlatformOutput } from './platform-output.js';

/** Every value a log line or reason must not show. */
function secretsOf(o: IngestOptions): string[] {
  return httpClientSecrets(o, { values: [o.token], urls: [o.api_url] });
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
