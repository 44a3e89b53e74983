import { checkOptions } from '@vigil/core/testing';
import { parse } from 'smol-toml';
import { heartbeatOutput } from './index.js';
import type { HeartbeatOptions } from './schema.js';
import { resolveSettings } from './settings.js';

/** The options of the first [[outputs.heartbeat]] in a TOML text, checked as the agent does. */
function loadBlock(toml: string): HeartbeatOptions {
  const doc = parse(toml) as { outputs: { heartbeat: Record<string, unknown>[] } };
  return checkOptions<HeartbeatOptions>(heartbeatOutput, doc.outputs.heartbeat[0]);
}

const problemsOf = (options: Record<string, unknown>) => {
  try {
    checkOptions(heartbeatOutput, options);
    return '';
  } catch (err) {
    return (err as Error).message;
  }
};

const base = { urls: ['http://127.0.0.1:9/hb'], agent_id: 'a1' };

describe('outputs.heartbeat configuration', () => {
  it('the sample `vigil config` prints loads as it stands', () => {
    const options = loadBlock(heartbeatOutput.sample);
    expect(options).toMatchObject({ urls: ['http://monitoring.example.com/heartbeat'], agent_id: 'agent-prod-web-01', interval: 60_000, timeout: 5_000 });
  });

  it("loads the issue's example block as written, multi-line headers table included", () => {
    const options = loadBlock(`
[[outputs.heartbeat]]
  urls = ["http://monitoring.example.com/heartbeat"]   # POSTed to each, independently
  agent_id = "agent-prod-web-01"                          # required
  headers = {
    Authorization = "Token ..."
  }
  omit_hostname = false          # default: [agent] omit_hostname
  omit_ip = false
  send_logs = true
  log_limit = 5
  log_level_threshold = "warning"   # debug | info | warning | error
  interval = "60s"               # independent of flush_interval; first beat at start-up
  timeout = "5s"
  format = "spec"                # or "telegraf"
  [outputs.heartbeat.status_conditions]
    ok = ""                      # expressions, see below
    warn = "log_errors > 0"
    fail = ""
    order = ["ok", "warn", "fail"]
    default = "OK"
    initial = ""
`);
    expect(options.headers).toEqual({ Authorization: 'Token ...' });
    const settings = resolveSettings(options, { omitHostname: false });
    expect(settings).toMatchObject({ format: 'spec', intervalMs: 60_000, timeoutMs: 5_000, logLimit: 5, logThreshold: 'warning' });
    expect(settings.contents).toMatchObject({ hostname: true, ip: true, logs: true, status: true, configs: true });
    expect(settings.status).toMatchObject({ conditions: { warn: 'log_errors > 0' }, order: ['ok', 'warn', 'fail'], fallback: 'OK', initial: undefined });
  });

  it("runs Telegraf's own heartbeat block unchanged, in Telegraf's format", () => {
    const options = loadBlock(`
[[outputs.heartbeat]]
  url = "http://monitoring.example.com/heartbeat"
  instance_id = "agent-123"
  token = "abc123"
  interval = "1m"
  include = ["hostname", "statistics", "configs", "logs", "status"]
  timeout = "5s"
  [outputs.heartbeat.logs]
    limit = 10
    level = "warn"
  [outputs.heartbeat.status]
    ok = "false"
    warn = "log_warnings > 0"
    fail = "log_errors > 0"
    order = ["fail", "warn", "ok"]
    default = "ok"
    initial = "undefined"
  [outputs.heartbeat.headers]
    User-Agent = "telegraf"
`);
    const settings = resolveSettings(options, { omitHostname: false });
    expect(settings).toMatchObject({ format: 'telegraf', agentId: 'agent-123', urls: ['http://monitoring.example.com/heartbeat'], logLimit: 10, logThreshold: 'warn' });
    expect(settings.contents).toMatchObject({ hostname: true, configs: true, statistics: true, logs: true, status: true, ip: false });
    expect(settings.status).toMatchObject({ option: 'status', order: ['fail', 'warn', 'ok'], fallback: 'OK', initial: 'UNDEFINED' });
  });

  it("follows Telegraf's include list: what it leaves out is not sent", () => {
    const settings = resolveSettings(checkOptions(heartbeatOutput, { url: 'http://127.0.0.1:9/', instance_id: 'x', include: ['configs'] }), { omitHostname: false });
    expect(settings.contents).toMatchObject({ hostname: false, configs: true, statistics: false, logs: false, status: false });
  });

  it('takes omit_hostname from [agent] unless the block sets it', () => {
    const options = checkOptions<HeartbeatOptions>(heartbeatOutput, base);
    expect(resolveSettings(options, { omitHostname: true }).contents.hostname).toBe(false);
    expect(resolveSettings({ ...options, omit_hostname: false }, { omitHostname: true }).contents.hostname).toBe(true);
  });

  it('requires an agent id and at least one URL', () => {
    expect(problemsOf({ urls: ['http://127.0.0.1:9/'] })).toContain('option "agent_id" is required');
    expect(problemsOf({ agent_id: 'a' })).toContain('option "urls" must list at least one URL');
  });

  it('refuses URLs that are not http or https', () => {
    expect(problemsOf({ ...base, urls: ['ftp://127.0.0.1/x'] })).toContain('option "urls": "ftp://127.0.0.1/x" must be an http:// or https:// URL');
    expect(problemsOf({ ...base, url: 'not a url' })).toContain('option "url": "not a url" is not a URL');
  });

  it('points a CEL compile error at the nested option it is in', () => {
    const { check } = heartbeatOutput;
    const options = checkOptionsLoose({ ...base, status_conditions: { warn: 'log_errors >', fail: 'metrix > 0' } });
    expect(check!(options)).toEqual([
      { option: 'status_conditions.warn', message: expect.stringMatching(/^option "status_conditions.warn" is not a valid CEL condition: .*Unexpected token/) },
      { option: 'status_conditions.fail', message: 'option "status_conditions.fail" is not a valid CEL condition: Unknown variable: metrix' },
    ]);
  });

  it('refuses a condition that is not true or false, in Telegraf\'s table too', () => {
    expect(problemsOf({ ...base, status: { ok: 'metrics + 1' } })).toBe('option "status.ok" is not a valid CEL condition: it must be true or false, but gives int');
  });

  it('refuses a status word it does not know, and a repeated order entry', () => {
    expect(problemsOf({ ...base, status_conditions: { default: 'GREEN' } })).toContain('option "status_conditions.default" must be one of');
    expect(problemsOf({ ...base, status_conditions: { order: ['warn', 'warn'] } })).toContain('option "status_conditions.order"');
    expect(problemsOf({ ...base, status_conditions: { wran: 'true' } })).toContain('option "status_conditions.wran" is not allowed');
  });

  it('refuses settings that contradict each other', () => {
    expect(problemsOf({ ...base, instance_id: 'other' })).toContain('options "agent_id" and "instance_id" are the same setting with different values');
    expect(problemsOf({ ...base, status: {}, status_conditions: {} })).toContain('options "status" (Telegraf\'s name) and "status_conditions" are the same table');
    expect(problemsOf({ ...base, token: 'abc', headers: { authorization: 'Token x' } })).toContain('option "token" sets the Authorization header');
    expect(problemsOf({ ...base, token: 'abc', urls: ['https://u:p@127.0.0.1/'] })).toContain('option "token" sets the Authorization header, which the credentials in a URL set too');
    expect(problemsOf({ ...base, tls_cert: '/tmp/c.pem' })).toContain('options "tls_cert" and "tls_key" go together');
    expect(problemsOf({ ...base, properties: { os_type: 'mine' } })).toContain('option "properties.os_type": "os_type" is a default property');
    expect(problemsOf({ ...base, format: 'telegraf', include_system_info: true })).toContain('option "include_system_info": the telegraf format has no place for systemInfo');
    expect(problemsOf({ ...base, format: 'telegraf', properties: { env: 'prod' } })).toContain('option "properties": the telegraf format has no place for properties');
  });

  it('refuses a zero interval or timeout and an unknown log level', () => {
    expect(problemsOf({ ...base, interval: '0s' })).toContain('option "interval" must be longer than 0s');
    expect(problemsOf({ ...base, timeout: 0 })).toContain('option "timeout" must be longer than 0s');
    expect(problemsOf({ ...base, log_level_threshold: 'critical' })).toContain('option "log_level_threshold" must be one of');
  });
});

/** Schema defaults applied without the plugin's own check, to call check() directly. */
function checkOptionsLoose(options: Record<string, unknown>): HeartbeatOptions {
  const { check, ...withoutCheck } = heartbeatOutput;
  void check;
  return checkOptions<HeartbeatOptions>({ ...withoutCheck, kind: 'outputs' }, options);
}
