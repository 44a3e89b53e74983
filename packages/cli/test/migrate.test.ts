import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killLeftovers, runCli } from './cli-process.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-migrate-'));

// A web host's Telegraf config, written for this test with Telegraf's option names.
const TELEGRAF_CONF = `# Telegraf on web-01
[global_tags]
  dc = "eu-west-1"

[agent]
  interval = "10s"
  flush_interval = "10s"
  precision = "0s"
  utc = true
  logfile_rotation_max_archives = 5

[[outputs.file]]
  files = ["${dir}/metrics.out"]
  data_format = "influx"

[[outputs.influxdb_v2]]
  urls = ["http://127.0.0.1:8086"]
  token = "$INFLUX_TOKEN"
  organization = "ops"

[[inputs.cpu]]
  percpu = false
  totalcpu = true

[[inputs.mem]]

[[inputs.system]]
  ## load, uptime and users

[[inputs.http]]
  urls = ["http://127.0.0.1:8080/status.json"]
  data_format = "json"

[[inputs.tail]]
  files = ["/var/log/shop/*.log"]
  from_beginning = true
  watch_method = "poll"
  data_format = "logfmt"
  character_encoding = "utf-8"
  [inputs.tail.tags]
    app = "shop"
  [inputs.tail.multiline]
    pattern = '^\\s'
    match_which_line = "previous"

[[inputs.tail]]
  files = ["/var/log/nginx/access.log"]
  data_format = "grok"
  grok_patterns = ["%{COMBINED_LOG_FORMAT}"]

[[inputs.tail]]
  files = ["/var/log/app/metrics.out"]
  data_format = "influx"

[[aggregators.basicstats]]
  period = "30s"
`;

describe('vigil migrate', () => {
  afterEach(killLeftovers);

  it('rewrites a Telegraf config into one vigil validates, and says on stderr what it changed and what not', async () => {
    const telegraf = join(dir, 'telegraf.conf');
    writeFileSync(telegraf, TELEGRAF_CONF);
    const { code, stdout, stderr } = await runCli(['migrate', telegraf]);
    expect(code).toBe(0);

    // Kept as they are: the agent, the tags, the outputs and inputs vigil has under Telegraf's names.
    expect(stdout).toContain('[global_tags]\n  dc = "eu-west-1"\n\n[agent]\n  interval = "10s"\n');
    expect(stdout).toContain('  precision = "0s"\n# vigil migrate: not a vigil option: utc = true\n  logfile_rotation_max_archives = 5\n');
    expect(stdout).toContain(`[[outputs.file]]\n  files = ["${dir}/metrics.out"]\n`);
    expect(stdout).toContain('[[inputs.cpu]]\n  percpu = false\n  totalcpu = true\n\n[[inputs.mem]]\n');
    // inputs.system keeps Telegraf's meaning.
    expect(stdout).toMatch(/\[\[inputs\.system\]\]\n {2}## Telegraf's inputs\.system: load, uptime and users only \(vigil migrate\)\.\n {2}collect = \["system"\]\n {2}## load, uptime and users\n/);
    // The tail inputs vigil can do the same job for become inputs.logs.
    expect(stdout).toContain(
      '[[inputs.logs]]\n  files = ["/var/log/shop/*.log"]\n  initial_read_offset = "beginning"\n  watch_method = "poll"\n  tags = { app = "shop" }\n  multiline_pattern = "^(?!\\\\s)"\n  format = "logfmt"\n  # vigil migrate: left out (no inputs.logs equivalent): character_encoding\n',
    );
    expect(stdout).toContain('[[inputs.logs]]\n  files = ["/var/log/nginx/access.log"]\n  format = "clf"\n');
    // The rest stays, as comments with the reason.
    expect(stdout).toContain('# vigil migrate: kept as a comment: vigil has no outputs.influxdb_v2 plugin (`vigil plugins` lists those available)\n# [[outputs.influxdb_v2]]\n#   urls = ["http://127.0.0.1:8086"]\n');
    expect(stdout).toContain("# vigil migrate: kept as a comment: Telegraf's inputs.http fetches a URL and parses its body into metrics; vigil's inputs.http checks a service (status, response time, certificate)\n# [[inputs.http]]\n");
    expect(stdout).toContain('# [[inputs.tail]]\n#   files = ["/var/log/app/metrics.out"]\n#   data_format = "influx"\n');
    expect(stdout).toContain('# vigil migrate: kept as a comment: vigil has no aggregators\n# [[aggregators.basicstats]]\n#   period = "30s"\n');
    expect(stdout).not.toMatch(/^\[\[inputs\.(http|tail)\]\]/m);

    expect(stderr.trim().split('\n')).toEqual([
      `vigil migrate: ${telegraf}: 3 changed, 5 kept as comments`,
      '  changed line 27: inputs.system: collect = ["system"] added (vigil\'s inputs.system collects every host group unless told)',
      '  changed line 34: inputs.tail: became inputs.logs (format "logfmt"); left out (no inputs.logs equivalent): character_encoding',
      '  changed line 46: inputs.tail: became inputs.logs (format "clf")',
      '  not migrated line 9: agent: option "utc" is not one vigil knows',
      '  not migrated line 16: outputs.influxdb_v2: vigil has no outputs.influxdb_v2 plugin (`vigil plugins` lists those available)',
      "  not migrated line 30: inputs.http: Telegraf's inputs.http fetches a URL and parses its body into metrics; vigil's inputs.http checks a service (status, response time, certificate)",
      '  not migrated line 51: inputs.tail: data_format "influx" turns lines into metrics; vigil\'s inputs.logs turns them into log records (json, logfmt, syslog, clf or plain)',
      '  not migrated line 55: aggregators.basicstats: vigil has no aggregators',
      'Check the result with: vigil validate --config vigil.toml',
    ]);

    const migrated = join(dir, 'vigil.toml');
    writeFileSync(migrated, stdout);
    const validated = await runCli(['validate', '--config', migrated]);
    expect({ code: validated.code, stderr: validated.stderr }).toEqual({ code: 0, stderr: '' });
    expect(validated.stdout).toContain('✓ inputs: inputs.cpu, inputs.mem, inputs.system, inputs.logs, inputs.logs\n');
  });

  it('without a file to read is a usage error', async () => {
    const { code, stderr } = await runCli(['migrate']);
    expect(code).toBe(2);
    expect(stderr).toContain('vigil: "migrate" needs the Telegraf config to read: vigil migrate telegraf.conf > vigil.toml');
  });
});
