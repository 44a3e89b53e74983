import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { killLeftovers, REPO, runCli, startCli, waitFor } from './cli-process.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-cli-'));
function config(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}
const EXAMPLE_PLUGIN = '[agent]\n  plugins = ["vigil-plugin-example"]\n';

describe('vigil CLI', () => {
  afterEach(killLeftovers);

  it('prints one line per config mistake with file and line, no stack trace, and exits 1', async () => {
    const path = config('bad.toml', '[agent]\n  intervall = "10s"\n[[outputs.file]]\n  data_format = "xml"\n');
    const { code, stderr, stdout } = await runCli(['run', '--config', path]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toEqual([
      `${path}:2: agent: option "intervall" is not allowed (did you mean "interval"?)`,
      `${path}:4: outputs.file: option "data_format" must be one of "influx", "json", got string "xml"`,
    ]);
  });

  it('with no configuration runs the embedded default: host metrics as line protocol on stdout', async () => {
    const { code, stdout, stderr } = await runCli(['run', '--once'], { cwd: dir, env: { VIGIL_CONFIG_PATH: '' } });
    expect({ code, errors: stderr.split('\n').filter((l) => / [EW]! /.test(l)) }).toEqual({ code: 0, errors: [] });
    const names = new Set(stdout.trim().split('\n').map((l) => l.split(/[ ,]/)[0]));
    expect([...names].sort()).toEqual(expect.arrayContaining(['cpu', 'mem', 'system', 'disk', 'kernel', 'processes']));
    expect(stdout).toMatch(/^system,host=\S+ .*n_cpus=\d+i/m);
  });

  it('exits 2 with a hint on a usage error', async () => {
    const { code, stderr } = await runCli(['test', '--once']);
    expect(code).toBe(2);
    expect(stderr).toContain('vigil: "test" does not take --once');
    expect(stderr).toContain('vigil --help');
  });

  it('runs a third-party plugin named in [agent] plugins and prints "> example" lines in test mode', async () => {
    const { code, stdout, stderr } = await runCli(['test', '--config', 'examples/third-party.toml']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^> example,host=\S+ greeting="hello from a plugin",count=0i \d{19}\n$/);
    expect(stderr).toMatch(/inputs\.example\s+1\s+0\s+/);
  });

  it('--once gathers once, writes every output (namepass applied per output) and exits 0', async () => {
    const all = join(dir, 'all.json');
    const only = join(dir, 'only.out');
    const path = config(
      'once.toml',
      `${EXAMPLE_PLUGIN}[[inputs.example]]\n[[inputs.example]]\n  name_override = "other"\n` +
        `[[outputs.file]]\n  files = ["${all}"]\n  data_format = "json"\n` +
        `[[outputs.file]]\n  files = ["${only}"]\n  namepass = ["other"]\n`,
    );
    const { code, stderr } = await runCli(['run', '--once', '--config', path]);
    expect(stderr).not.toMatch(/E!/);
    expect(code).toBe(0);
    const json = readFileSync(all, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(json.map((m) => m.name).sort()).toEqual(['example', 'other']);
    expect(json[0]).toMatchObject({ type: 'metric', fields: { greeting: 'hello', count: 0 }, timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/) });
    expect(readFileSync(only, 'utf8')).toMatch(/^other,host=\S+ greeting="hello",count=0i \d+\n$/);
  });

  it('--once exits 1 when an output cannot write, and says which', async () => {
    const path = config('fail.toml', `${EXAMPLE_PLUGIN}[[inputs.example]]\n[[outputs.file]]\n  files = ["${dir}/no/such/dir/x.out"]\n`);
    const { code, stderr } = await runCli(['run', '--once', '--config', path]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/E! \[outputs\.file\] could not connect: .*no\/such\/dir/);
    expect(stderr).toMatch(/stopping with 1 items unwritten/);
  });

  it('on SIGTERM stops the inputs, flushes what is buffered and exits 0', async () => {
    const out = join(dir, 'sigterm.out');
    const path = config(
      'sigterm.toml',
      `${EXAMPLE_PLUGIN}  interval = "200ms"\n  round_interval = false\n  flush_interval = "1h"\n[[inputs.example]]\n[[outputs.file]]\n  files = ["${out}"]\n`,
    );
    const run = startCli(['run', '--config', path]);
    await waitFor(run.out, (o) => o.stderr.includes('loaded inputs: inputs.example'));
    await new Promise((r) => setTimeout(r, 1000));
    expect(existsSync(out) ? readFileSync(out, 'utf8') : '').toBe('');
    run.child.kill('SIGTERM');
    const { code, stderr } = await run.done;
    expect(code).toBe(0);
    expect(stderr).toContain('SIGTERM: stopping, flushing outputs');
    const counts = readFileSync(out, 'utf8').trim().split('\n').map((l) => Number(/count=(\d+)i/.exec(l)![1]));
    expect(counts.length).toBeGreaterThan(0);
    expect(counts).toEqual(counts.map((_, i) => i));
  });

  it('ignores SIGHUP and SIGUSR1 that arrive while it is stopping, and still exits 0', async () => {
    const out = join(dir, 'late-signals.out');
    const path = config('late-signals.toml', `${EXAMPLE_PLUGIN}  flush_interval = "1h"\n[[inputs.example]]\n[[outputs.file]]\n  files = ["${out}"]\n`);
    const run = startCli(['run', '--config', path]);
    await waitFor(run.out, (o) => o.stderr.includes('loaded inputs'));
    run.child.kill('SIGTERM');
    run.child.kill('SIGHUP');
    run.child.kill('SIGUSR1');
    const { code } = await run.done;
    expect(code).toBe(0);
  });

  it('writes what is buffered at once on SIGUSR1', async () => {
    const out = join(dir, 'sigusr1.out');
    const path = config('sigusr1.toml', `${EXAMPLE_PLUGIN}  interval = "200ms"\n  round_interval = false\n  flush_interval = "1h"\n[[inputs.example]]\n[[outputs.file]]\n  files = ["${out}"]\n`);
    const run = startCli(['run', '--config', path]);
    await waitFor(run.out, (o) => o.stderr.includes('loaded inputs'));
    await new Promise((r) => setTimeout(r, 1000));
    run.child.kill('SIGUSR1');
    await waitFor(run.out, (o) => o.stderr.includes('SIGUSR1: flushing outputs now'));
    await waitFor(run.out, () => existsSync(out) && readFileSync(out, 'utf8').includes('count=0i'));
    run.child.kill('SIGTERM');
    expect((await run.done).code).toBe(0);
  });

  it('keeps the running configuration when SIGHUP brings an invalid one', async () => {
    const out = join(dir, 'sighup.out');
    const path = config('sighup.toml', `${EXAMPLE_PLUGIN}  flush_interval = "1h"\n[[inputs.example]]\n[[outputs.file]]\n  files = ["${out}"]\n`);
    const run = startCli(['run', '--config', path]);
    await waitFor(run.out, (o) => o.stderr.includes('loaded inputs'));
    writeFileSync(path, '[[inputs.example]]\n  greting = "x"\n');
    run.child.kill('SIGHUP');
    await waitFor(run.out, (o) => o.stderr.includes('reload failed'));
    expect(run.out.stderr).toContain(
      `reload failed, keeping the running configuration: ${path}:2: inputs.example: option "greting" is not allowed (did you mean "greeting"?)`,
    );
    run.child.kill('SIGTERM');
    expect((await run.done).code).toBe(0);
  });

  describe('with a config served over HTTP on 127.0.0.1', () => {
    let server: Server;
    let base: string;
    beforeAll(async () => {
      server = createServer((req, res) => {
        if (req.url === '/vigil.toml') res.end(`${EXAMPLE_PLUGIN}[[inputs.example]]\n  greeting = "from http"\n`);
        else res.writeHead(404).end();
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((r) => server.close(() => r())));

    it('loads it and gathers', async () => {
      const { code, stdout } = await runCli(['test', '--config', `${base}/vigil.toml`]);
      expect(code).toBe(0);
      expect(stdout).toContain('greeting="from http"');
    });

    it('names a missing URL without its credentials', async () => {
      const url = `http://admin:hunter22@127.0.0.1:${base.split(':')[2]}/missing.toml`;
      const { code, stderr } = await runCli(['validate', '--config', url]);
      expect(code).toBe(1);
      expect(stderr).toContain('http://admin:***@127.0.0.1');
      expect(stderr).toContain('404');
      expect(stderr).not.toContain('hunter22');
    });
  });

  it('validate prints a checklist for a good config and touches nothing', async () => {
    const path = config('good.toml', `${EXAMPLE_PLUGIN}[[inputs.example]]\n[[outputs.file]]\n  files = ["${dir}/never-written.out"]\n`);
    const { code, stdout, stderr } = await runCli(['validate', '--config', path]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toContain('✓ inputs: inputs.example');
    expect(stdout).toContain('configuration is valid');
    expect(existsSync(join(dir, 'never-written.out'))).toBe(false);
  });

  it('config prints a sample of every plugin that validates as it stands', async () => {
    const sample = await runCli(['config']);
    expect(sample.code).toBe(0);
    for (const block of ['[agent]', '[[inputs.system]]', '[[inputs.http]]', '[[inputs.docker]]', '[[inputs.logs]]', '[[processors.override]]', '[[outputs.file]]', '[[outputs.heartbeat]]']) {
      expect(sample.stdout).toContain(block);
    }
    expect(sample.stdout).toContain('# interval = "10s"');
    const path = config('sample.toml', sample.stdout);
    const checked = await runCli(['validate', '--config', path]);
    expect({ code: checked.code, stderr: checked.stderr }).toEqual({ code: 0, stderr: '' });
  });

  it('config --outputs prints only the [agent] block and the outputs named', async () => {
    const { code, stdout } = await runCli(['config', '--outputs', 'file']);
    expect(code).toBe(0);
    expect(stdout).toContain('[[outputs.file]]');
    expect(stdout).not.toContain('[[inputs.');
  });

  it('plugins lists each plugin with its kind and package', async () => {
    const { stdout } = await runCli(['plugins']);
    expect(stdout).toMatch(/outputs\.file\s+@vigil\/outputs-file\s+Writes/);
    expect(stdout).toMatch(/processors\.override\s+@vigil\/processors-override/);
    for (const name of ['inputs.system', 'inputs.http', 'inputs.docker', 'inputs.logs', 'outputs.heartbeat']) expect(stdout).toContain(name);
  });

  it('--version prints the version of the package', async () => {
    const { version } = JSON.parse(readFileSync(join(REPO, 'packages/core/package.json'), 'utf8'));
    expect((await runCli(['--version'])).stdout).toBe(`vigil ${version}\n`);
  });
});
