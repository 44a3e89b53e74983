import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killLeftovers, runCli } from './cli-process.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-telegraf-'));
function config(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** A Telegraf user's [agent] section: Telegraf's option names with the values people use. */
function agentSection(extra = ''): string {
  return `[global_tags]
  dc = "eu-west-1"

[agent]
  interval = "10s"
  round_interval = true
  metric_batch_size = 1000
  metric_buffer_limit = 10000
  collection_jitter = "0s"
  collection_offset = "0s"
  flush_interval = "10s"
  flush_jitter = "0s"
  precision = "1s"
  debug = false
  quiet = false
  logtarget = "file"
  log_with_timezone = ""
  hostname = "web-01"
  omit_hostname = false
  snmp_translator = "netsnmp"
  always_include_local_tags = false
  skip_processors_after_aggregators = false
${extra}`;
}

describe('a Telegraf-shaped config through validate, test and run', () => {
  afterEach(killLeftovers);

  it('validate accepts it, warning about the option that does nothing and about host groups collected twice', async () => {
    const path = config('validate.conf', `${agentSection()}\n[[inputs.cpu]]\n  percpu = false\n\n[[inputs.system]]\n\n[[outputs.file]]\n  files = ["stdout"]\n`);
    const { code, stdout, stderr } = await runCli(['validate', '--config', path]);
    expect(code).toBe(0);
    expect(stdout).toContain('configuration is valid');
    expect(stderr.trim().split('\n')).toEqual([
      `warning: ${path}:20: agent: option "snmp_translator" has no effect (vigil has no SNMP plugins)`,
      `warning: ${path}:27: inputs.system: collects cpu, which inputs.cpu already collects: those metrics would come twice; for Telegraf's inputs.system set collect = ["system"]`,
    ]);
  });

  it('run --once rounds timestamps to precision, names an alias as kind.name::alias, and logs to a rotating logfile', async () => {
    const out = join(dir, 'metrics.out');
    const logs = mkdtempSync(join(dir, 'logs-'));
    const logfile = join(logs, 'vigil.log');
    // Every line is longer than 100 bytes, so each one closes its file.
    const rotation = `  logfile = "${logfile}"\n  logfile_rotation_max_size = "100B"\n  logfile_rotation_max_archives = 20\n`;
    const path = config(
      'run.conf',
      `${agentSection(rotation)}\n[[inputs.system]]\n  alias = "host"\n  collect = ["system", "mem"]\n\n[[outputs.file]]\n  files = ["${out}"]\n`,
    );
    const { code, stderr } = await runCli(['run', '--once', '--config', path]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines.length).toBeGreaterThan(3);
    for (const line of lines) expect(line).toMatch(/^(system|mem),dc=eu-west-1,host=web-01 .+ \d{10}000000000$/);

    const archives = readdirSync(logs).filter((n) => n !== 'vigil.log');
    expect(archives.length).toBeGreaterThanOrEqual(2);
    for (const a of archives) {
      expect(a).toMatch(/^vigil\.\d{4}-\d\d-\d\d-\d+(\.\d+)?\.log$/);
      expect(readFileSync(join(logs, a), 'utf8')).toMatch(/^[^\n]{100,}\n$/);
    }
    const logged = [...archives.map((a) => readFileSync(join(logs, a), 'utf8')), readFileSync(logfile, 'utf8')].join('');
    expect(logged).toContain(` W! ${path}:20: agent: option "snmp_translator" has no effect`);
    expect(logged).toContain('loaded inputs: inputs.system::host;');
  });

  it('test works without outputs; run and validate refuse a config without outputs (or an empty file) with one line', async () => {
    const noOutputs = config('no-outputs.conf', `${agentSection()}\n[[inputs.system]]\n  collect = ["system"]\n`);
    const tested = await runCli(['test', '--config', noOutputs]);
    expect(tested.code).toBe(0);
    expect(tested.stdout).toMatch(/^> system,dc=eu-west-1,host=web-01 .*n_cpus=\d+i/m);

    const empty = config('empty.conf', '');
    for (const path of [noOutputs, empty]) {
      for (const command of ['run', 'validate']) {
        const { code, stdout, stderr } = await runCli([command, '--config', path]);
        expect({ code, stdout, stderr }).toEqual({
          code: 1,
          stdout: '',
          stderr: `${path}: no outputs: vigil run needs at least one [[outputs.NAME]] table (\`vigil plugins\` lists them; \`vigil test\` runs without)\n`,
        });
      }
    }
  });

  it('${VAR:?message} stops a config whose variable is unset, naming it, the file and the line', async () => {
    const path = config(
      'env.conf',
      `[[inputs.system]]\n  collect = ["system"]\n\n[[outputs.heartbeat]]\n  url = "http://127.0.0.1:9/heartbeat"\n  instance_id = "web-01"\n  # token = "\${COMMENTED_OUT:?is not asked for}"\n  headers = { Authorization = "Bearer \${VIGIL_TEST_HEARTBEAT_TOKEN:?VIGIL_TEST_HEARTBEAT_TOKEN must be set}" }\n`,
    );
    const env = { VIGIL_TEST_HEARTBEAT_TOKEN: undefined, COMMENTED_OUT: undefined };
    const { code, stderr } = await runCli(['validate', '--config', path], { env });
    expect({ code, stderr }).toEqual({ code: 1, stderr: `${path}:8: environment variable VIGIL_TEST_HEARTBEAT_TOKEN is not set: VIGIL_TEST_HEARTBEAT_TOKEN must be set\n` });
  });
});
