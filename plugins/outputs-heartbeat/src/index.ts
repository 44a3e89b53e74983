import { readFileSync } from 'node:fs';
import { defineOutput, readSample, type PluginContext } from '@vigil/core';
import { checkOptions } from './check.js';
import { Heartbeat } from './heartbeat.js';
import { schema, type HeartbeatOptions } from './schema.js';
import { Sender } from './sender.js';
import { resolveSettings } from './settings.js';
import { hostSnapshot } from './system-info.js';

function readPem(options: HeartbeatOptions, option: 'tls_ca' | 'tls_cert' | 'tls_key'): Buffer | undefined {
  const path = options[option];
  if (!path) return undefined;
  try {
    return readFileSync(path);
  } catch (err) {
    throw new Error(`option "${option}": cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

function createHeartbeat(ctx: PluginContext<HeartbeatOptions>): Heartbeat {
  const options = ctx.options;
  const settings = resolveSettings(options, ctx.agent);
  const sender = new Sender({
    headers: options.headers,
    token: options.token,
    timeoutMs: settings.timeoutMs,
    userAgent: `vigil/${ctx.agent.version}`,
    tls: { ca: readPem(options, 'tls_ca'), cert: readPem(options, 'tls_cert'), key: readPem(options, 'tls_key'), insecureSkipVerify: options.insecure_skip_verify },
  });
  return new Heartbeat(ctx, { settings, sender, systemInfo: () => hostSnapshot(options.cloud_metadata), secrets: [...Object.values(options.headers), options.token] });
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
