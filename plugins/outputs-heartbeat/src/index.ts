import { defineOutput, readSample, readTlsFiles, type PluginContext } from '@vigil/core';
import { checkOptions } from './check.js';
import { Heartbeat } from './heartbeat.js';
import { schema, type HeartbeatOptions } from './schema.js';
import { Sender } from './sender.js';
import { resolveSettings } from './settings.js';
import { SystemInfoReader } from './system-info.js';

function createHeartbeat(ctx: PluginContext<HeartbeatOptions>): Heartbeat {
  const options = ctx.options;
  const settings = resolveSettings(options, ctx.agent);
  const { ca, cert, key } = readTlsFiles(options);
  const sender = new Sender({
    headers: options.headers,
    token: options.token,
    timeoutMs: settings.timeoutMs,
    userAgent: `vigil/${ctx.agent.version}`,
    tls: { ca, cert, key, insecureSkipVerify: options.insecure_skip_verify },
  });
  // One per output instance: it keeps the previous heartbeat's sample for the rates.
  const systemInfo = new SystemInfoReader({ cloudMetadata: options.cloud_metadata, agent: { version: ctx.agent.version, startTime: ctx.agent.startTime } });
  return new Heartbeat(ctx, { settings, sender, systemInfo: (keep) => systemInfo.read(keep), secrets: [...Object.values(options.headers), options.token] });
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
