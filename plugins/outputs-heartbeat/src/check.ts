import { httpClientProblems, type OptionProblem } from '@vigil/core';
import { CONDITION_NAMES, DEFAULT_PROPERTY_NAMES, type HeartbeatOptions } from './schema.js';
import { formatOf, urlsOf } from './settings.js';
import { conditionProblem } from './status.js';

function urlProblem(option: string, url: string): OptionProblem | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { option, message: `option "${option}": "${url}" is not a URL` };
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return { option, message: `option "${option}": "${url}" must be an http:// or https:// URL` };
  }
  return undefined;
}

function hasCredentials(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.username !== '' || parsed.password !== '';
  } catch {
    return false;
  }
}

/** Problems the schema cannot see; each points at its option (nested ones at their own line). */
export function checkOptions(o: HeartbeatOptions): OptionProblem[] {
  const problems: (OptionProblem | undefined)[] = [];
  if (urlsOf(o).length === 0) problems.push({ option: 'urls', message: 'option "urls" must list at least one URL (or set Telegraf\'s "url")' });
  problems.push(...o.urls.map((u) => urlProblem('urls', u)));
  if (o.url !== undefined) problems.push(urlProblem('url', o.url));

  if (o.agent_id === undefined && o.instance_id === undefined) {
    problems.push({ option: 'agent_id', message: 'option "agent_id" is required: the identifier this agent reports as (Telegraf: "instance_id")' });
  } else if (o.agent_id !== undefined && o.instance_id !== undefined && o.agent_id !== o.instance_id) {
    problems.push({ option: 'instance_id', message: 'options "agent_id" and "instance_id" are the same setting with different values; keep one' });
  }

  if (o.status && o.status_conditions) {
    problems.push({ option: 'status', message: 'options "status" (Telegraf\'s name) and "status_conditions" are the same table; keep one' });
  }
  for (const table of ['status_conditions', 'status'] as const) {
    for (const name of CONDITION_NAMES) {
      const problem = conditionProblem(o[table]?.[name] ?? '');
      if (problem) problems.push({ option: `${table}.${name}`, message: `option "${table}.${name}" is not a valid CEL condition: ${problem}` });
    }
  }
  if (o.interval <= 0) problems.push({ option: 'interval', message: 'option "interval" must be longer than 0s' });
  if (o.timeout <= 0) problems.push({ option: 'timeout', message: 'option "timeout" must be longer than 0s' });

  if (o.token && Object.keys(o.headers).some((h) => h.toLowerCase() === 'authorization')) {
    problems.push({ option: 'token', message: 'option "token" sets the Authorization header, which "headers" sets too; keep one' });
  }
  if (o.token && urlsOf(o).some(hasCredentials)) {
    problems.push({ option: 'token', message: 'option "token" sets the Authorization header, which the credentials in a URL set too; keep one' });
  }
  if (o.token_url && (o.token || Object.keys(o.headers).some((h) => h.toLowerCase() === 'authorization'))) {
    problems.push({ option: 'token_url', message: `OAuth2 (option "token_url") sets the Authorization header, which ${o.token ? 'option "token"' : '"headers"'} sets too; keep one` });
  }
  problems.push(...httpClientProblems(o));

  const taken = Object.keys(o.properties).filter((k) => (DEFAULT_PROPERTY_NAMES as readonly string[]).includes(k));
  for (const name of taken) {
    problems.push({ option: `properties.${name}`, message: `option "properties.${name}": "${name}" is a default property and cannot be set; exclude_properties can leave it out` });
  }
  if (formatOf(o) === 'telegraf') {
    if (o.include_system_info) problems.push({ option: 'include_system_info', message: 'option "include_system_info": the telegraf format has no place for systemInfo; use format = "spec"' });
    if (Object.keys(o.properties).length > 0) problems.push({ option: 'properties', message: 'option "properties": the telegraf format has no place for properties; use format = "spec"' });
  }
  return problems.filter((p): p is OptionProblem => p !== undefined);
}
