import { defineOutput, readSample, type PluginContext } from '@vigil/core';
import { checkOptions } from './check.js';
import { Heartbeat } from './heartbeat.js';
import { schema, type HeartbeatOptions } from './schema.js';
import { Sender } from './sender.js';
import { resolveSettings, urlsOf } from './settings.js';
import { SystemInfoReader } from './system-info.js';

/** Every value a log line or message must not show: header values, tokens, passwords, the URLs' own credentials. */
function secretsOf(o: HeartbeatOptions): string[] {
  const secrets = [...Object.values(o.headers), o.token, o.client_secret, o.tls_key_pwd, o.cookie_auth_password, ...Object.values(o.cookie_auth_headers)];
  for (const url of [...urlsOf(o), o.http_proxy_url, o.token_url, o.cookie_auth_url]) {
    try {
      const { password } = new URL(url);
      secrets.push(password);
      secrets.push(decodeURIComponent(password));
    } catch {
      // "" or a URL check() refuses; an undecodable password is blanked as written.
    }
  }
  return secrets;
}

function createHeartbeat(ctx: PluginContext<HeartbeatOptions>): Heartbeat {
  const options = ctx.options;
  const settings = resolveSettings(options, ctx.agent);
  const sender = new Sender({
    client: options,
    urls: settings.urls,
    headers: options.headers,
    token: options.token,
    timeoutMs: settings.timeoutMs,
    userAgent: `vigil/${ctx.agent.version}`,
    followRedirects: options.follow_redirects,
  });
  // One per output instance: it keeps the previous heartbeat's sample for the rates.
  const systemInfo = new SystemInfoReader({ cloudMetadata: options.cloud_metadata, agent: { version: ctx.agent.version, startTime: ctx.agent.startTime } });
  return new Heartbeat(ctx, { settings, sender, systemInfo: (keep) => systemInfo.read(keep), secrets: secretsOf(options) });
}

export const heartbeatOutput = defineOutput<HeartbeatOptions>({
  name: 'heartbeat',
  description: 'POSTs a heartbeat (id, status, configs, version, host, logs) to monitoring servers on a timer',
  accepts: ['metric'],
  schema,
  sample: readSample(import.meta.url),
  check: checkOptions,
  create: createHeartbeat,
});

export default heartbeatOutput;
