import { defineOutput, httpClientSecrets, readSample, type PluginContext } from '@vigil/core';
import { checkOptions } from './check.js';
import { Heartbeat } from './heartbeat.js';
import { schema, type HeartbeatOptions } from './schema.js';
import { Sender } from './sender.js';
import { resolveSettings, urlsOf } from './settings.js';
import { SystemInfoReader } from './system-info.js';

/** Every value a log line or message must not show. */
function secretsOf(o: HeartbeatOptions): string[] {
  return httpClientSecrets(o, { values: [...Object.values(o.headers), o.token], urls: urlsOf(o) });
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
