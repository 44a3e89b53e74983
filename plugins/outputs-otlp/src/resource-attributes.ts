import { readFileSync } from 'node:fs';
import type { AgentInfo, Tags } from '@vigil/core';

type Env = Record<string, string | undefined>;

/**
 * Tags named like the OTel resource semantic conventions go to the resource, as influx2otel
 * (Telegraf's outputs.opentelemetry) sends them: `host.name`, `container.id`, `k8s.pod.name` …
 */
const RESOURCE_TAG = /^(service\.|telemetry\.|container\.|process\.|host\.|os\.|cloud\.|deployment\.|k8s\.|aws\.|gcp\.|azure\.|faas\.name|faas\.id|faas\.version|faas\.instance|faas\.max_memory)/;

export function isResourceTag(name: string): boolean {
  return RESOURCE_TAG.test(name);
}

/** A metric's or record's tags, split into the resource's and the point's (or record's) own. */
export function splitTags(tags: Tags): { resource: Tags; own: Tags } {
  let resource: Tags | undefined;
  let own: Tags | undefined;
  for (const name in tags) {
    if (RESOURCE_TAG.test(name)) (resource ??= {})[name] = tags[name];
    else (own ??= {})[name] = tags[name];
  }
  return { resource: resource ?? {}, own: own ?? {} };
}

/** The machine's id, as the OTel host detector reads it; '' where there is none. */
export function readMachineId(paths = ['/etc/machine-id', '/var/lib/dbus/machine-id']): string {
  for (const path of paths) {
    try {
      const id = readFileSync(path, 'utf8').trim();
      if (id) return id;
    } catch {
      // Not Linux, or a container without one: host.id is left out.
    }
  }
  return '';
}

/** `OTEL_RESOURCE_ATTRIBUTES`: `key1=value1,key2=value2`, values percent-encoded; unreadable pairs are skipped. */
function envResourceAttributes(env: Env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of (env.OTEL_RESOURCE_ATTRIBUTES ?? '').split(',')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    try {
      out[pair.slice(0, eq).trim()] = decodeURIComponent(pair.slice(eq + 1).trim());
    } catch {
      // The SDKs skip a pair they cannot decode; so does vigil.
    }
  }
  return out;
}

/**
 * The attributes of the agent's resource, each later source winning: what vigil knows
 * (`host.name` unless omitted, `host.id` where known, `service.name` "vigil", `service.version`),
 * then `OTEL_RESOURCE_ATTRIBUTES`, then `OTEL_SERVICE_NAME`, then `resource_attributes`.
 */
export function agentResourceAttributes(agent: Pick<AgentInfo, 'hostname' | 'omitHostname' | 'version'>, configured: Record<string, string>, hostId: string, env: Env = process.env): Record<string, string> {
  const attributes: Record<string, string> = { 'service.name': 'vigil', 'service.version': agent.version };
  if (!agent.omitHostname && agent.hostname) attributes['host.name'] = agent.hostname;
  if (hostId) attributes['host.id'] = hostId;
  Object.assign(attributes, envResourceAttributes(env));
  if (env.OTEL_SERVICE_NAME?.trim()) attributes['service.name'] = env.OTEL_SERVICE_NAME.trim();
  return Object.assign(attributes, configured);
}
