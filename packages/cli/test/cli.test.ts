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

  it.each([
    [['--bogus'], 'vigil: unknown flag "--bogus"'],
    [['test', '-x'], 'vigil: unknown flag "-x"'],
    [['test', '--test-wait'], 'vigil: --test-wait needs a value (write --test-wait=VALUE for one starting with "-")'],
    [['test', '--test-wait', '--debug'], 'vigil: --test-wait needs a value (write --test-wait=VALUE for one starting with "-")'],
    [['run', '--once=yes'], 'vigil: --once takes no value'],
    [['test', '--test-wait', 'soon'], 'vigil: --test-wait takes a number of seconds from 0 to 86400, not "soon"'],
    [['test', '--test-wait', '99999999999'], 'vigil: --test-wait takes a number of seconds from 0 to 86400, not "99999999999"'],
    [['test', '--test-wait', '-1'], 'vigil: --test-wait needs a value (write --test-wait=VALUE for one starting with "-")'],
    [['test', '--test-wait=-1'], 'vigil: --test-wait takes a number of seconds from 0 to 86400, not "-1"'],
  ])('usage error %j: one line in vigil\'s words, exit 2', async (args, line) => {
    const { code, stdout, stderr } = await runCli(args, { env: { VIGIL_CONFIG_PATH: '' } });
    expect({ code, stdout, stderr }).toEqual({ code: 2, stdout: '', stderr: `${line}\nRun "vigil --help" for usage.\n` });
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

  /** Resolves once the input has gathered `count` times (the --debug lines say so). */
  const gathered = (run: ReturnType<typeof startCli>, count: number) =>
    waitFor(run.out, (o) => (o.stderr.match(/\[inputs\.example\] gathered 1 items in/g) ?? []).length >= count, 30_000);

  it('on SIGTERM stops the inputs, flushes what is buffered and exits 0', async () => {
    const out = join(dir, 'sigterm.out');
    const path = config(
      'sigterm.toml',
      `${EXAMPLE_PLUGIN}  interval = "200ms"\n  round_interval = false\n  flush_interval = "1h"\n[[inputs.example]]\n[[outputs.file]]\n  files = ["${out}"]\n`,
    );
    const run = startCli(['run', '--debug', '--config', path]);
    await gathered(run, 2);
    expect(existsSync(out) ? readFileSync(out, 'utf8') : '').toBe('');
    run.child.kill('SIGTERM');
    const { code, stderr } = await run.done;
    expect(code).toBe(0);
    expect(stderr).toContain('SIGTERM: stopping, flushing outputs');
    const counts = readFileSync(out, 'utf8').trim().split('\n').map((l) => Number(/count=(\d+)i/.exec(l)![1]));
    expect(counts.length).toBeGreaterThanOrEqual(2);
    expect(counts).toEqual(counts.map((_, i) => i));
  });

  describe('while a stop waits for an output that does not answer', () => {
    let server: Server;
    let url: string;
    let requests = 0;
    beforeEach(async () => {
      requests = 0;
      // Takes every request and never answers: the stop's flush hangs on it.
      server = createServer(() => requests++);
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/write`;
    });
    afterEach(() => {
      server.closeAllConnections();
      return new Promise<void>((r) => server.close(() => r()));
    });

    const hangingConfig = (name: string) =>
      config(name, `${EXAMPLE_PLUGIN}  interval = "100ms"\n  flush_interval = "1h"\n  shutdown_timeout = "20s"\n[[inputs.example]]\n[[outputs.http]]\n  url = "${url}"\n  timeout = "60s"\n`);

    /** A run whose stop is under way, its flush waiting for the server. */
    async function stopping(signal: NodeJS.Signals, name: string) {
      const run = startCli(['run', '--debug', '--config', hangingConfig(name)]);
      await gathered(run, 1);
      run.child.kill(signal);
      await waitFor(run.out, (o) => o.stderr.includes(`${signal}: stopping, flushing outputs`));
      await waitFor(run.out, () => requests > 0);
      return run;
    }

    it('says SIGHUP is ignored', async () => {
      const run = await stopping('SIGTERM', 'late-hup.toml');
      run.child.kill('SIGHUP');
      await waitFor(run.out, (o) => o.stderr.includes('SIGHUP ignored: stopping'));
      expect(run.out.stderr).not.toContain('reloading');
    });

    it('says SIGUSR1 is ignored', async () => {
      const run = await stopping('SIGTERM', 'late-usr1.toml');
      run.child.kill('SIGUSR1');
      await waitFor(run.out, (o) => o.stderr.includes('SIGUSR1 ignored: stopping'));
    });

    it('a second SIGINT exits 130 at once, saying so', async () => {
      const run = await stopping('SIGINT', 'second-int.toml');
      run.child.kill('SIGINT');
      const { code, stderr } = await run.done;
      expect(code).toBe(130);
      expect(stderr).toContain('second signal: exiting now');
    });
  });

  it('writes what is buffered at once on SIGUSR1', async () => {
    const out = join(dir, 'sigusr1.out');
    const path = config('sigusr1.toml', `${EXAMPLE_PLUGIN}  interval = "200ms"\n  round_interval = false\n  flush_interval = "1h"\n[[inputs.example]]\n[[outputs.file]]\n  files = ["${out}"]\n`);
    const run = startCli(['run', '--debug', '--config', path]);
    await gathered(run, 1);
    expect(existsSync(out) ? readFileSync(out, 'utf8') : '').toBe('');
    run.child.kill('SIGUSR1');
    await waitFor(run.out, (o) => o.stderr.includes('SIGUSR1: flushing outputs now'));
    await waitFor(run.out, () => existsSync(out) && readFileSync(out, 'utf8').includes('count=0i'));
    run.child.kill('SIGTERM');
    expect((await run.done).code).toBe(0);
  });

  it('sums up a burst of SIGUSR1 instead of a line per signal', async () => {
    const out = join(dir, 'burst.out');
    const path = config('burst.toml', `${EXAMPLE_PLUGIN}  flush_interval = "1h"\n[[inputs.example]]\n[[outputs.file]]\n  files = ["${out}"]\n`);
    const run = startCli(['run', '--config', path]);
    await waitFor(run.out, (o) => o.stderr.includes('loaded inputs'));
    const began = Date.now();
    // Paced, so the signals are not merged by the kernel before vigil sees them.
    for (let i = 0; i < 100; i++) {
      run.child.kill('SIGUSR1');
      await new Promise((r) => setTimeout(r, 3));
    }
    const windows = Math.ceil((Date.now() - began) / 1000) + 1;
    await waitFor(run.out, (o) => /SIGUSR1: received \d+ more times within 1s; outputs flushed/.test(o.stderr));
    const lines = run.out.stderr.split('\n').filter((l) => l.includes('SIGUSR1'));
    expect(lines.length).toBeLessThanOrEqual(2 * windows);
    expect(lines.length).toBeGreaterThanOrEqual(2);
    run.child.kill('SIGTERM');
    expect((await run.done).code).toBe(0);
  });

  it('keeps the running configuration when SIGHUP brings an invalid one', async () => {
    const out = join(dir, 'sighup.out');
    const path = config('sighup.toml', `${EXAMPLE_PLUGIN}  interval = "100ms"\n  flush_interval = "1h"\n[[inputs.example]]\n[[outputs.file]]\n  files = ["${out}"]\n`);
    const run = startCli(['run', '--debug', '--config', path]);
    await waitFor(run.out, (o) => o.stderr.includes('loaded inputs'));
    writeFileSync(path, `${EXAMPLE_PLUGIN}[[inputs.example]]\n  greting = "x"\n[[outputs.file]]\n  files = ["${out}"]\n`);
    run.child.kill('SIGHUP');
    await waitFor(run.out, (o) => o.stderr.includes('reload failed'));
    expect(run.out.stderr).toContain(
      `reload failed, keeping the running configuration: ${path}:4: inputs.example: option "greting" is not allowed (did you mean "greeting"?)`,
    );
    // Still gathering into its output.
    const before = (run.out.stderr.match(/gathered 1 items/g) ?? []).length;
    await gathered(run, before + 1);
    run.child.kill('SIGTERM');
    expect((await run.done).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toMatch(/^example,host=\S+ greeting="hello",count=0i/);
  });

  it('on SIGHUP with a valid configuration runs the new one', async () => {
    const before = join(dir, 'reload-before.out');
    const after = join(dir, 'reload-after.out');
    const path = config('reload.toml', `${EXAMPLE_PLUGIN}  interval = "100ms"\n  flush_interval = "1h"\n[[inputs.example]]\n[[outputs.file]]\n  files = ["${before}"]\n`);
    const run = startCli(['run', '--debug', '--config', path]);
    await gathered(run, 1);
    writeFileSync(path, `${EXAMPLE_PLUGIN}  interval = "100ms"\n  flush_interval = "100ms"\n[[inputs.example]]\n  greeting = "reloaded"\n[[outputs.file]]\n  files = ["${after}"]\n`);
    run.child.kill('SIGHUP');
    await waitFor(run.out, (o) => o.stderr.includes('configuration reloaded'));
    await waitFor(run.out, () => existsSync(after) && readFileSync(after, 'utf8').includes('greeting="reloaded"'), 30_000);
    run.child.kill('SIGTERM');
    expect((await run.done).code).toBe(0);
    // The output kept its buffer across the reload: what was gathered before is written by the new one.
    expect(readFileSync(after, 'utf8')).toMatch(/greeting="hello"/);
    expect(existsSync(before) ? readFileSync(before, 'utf8') : '').toBe('');
  });

  it('keeps running its other outputs when the reader of stdout goes away', async () => {
    const file = join(dir, 'epipe.out');
    const path = config(
      'epipe.toml',
      `${EXAMPLE_PLUGIN}  interval = "100ms"\n  flush_interval = "100ms"\n[[inputs.example]]\n[[outputs.file]]\n  files = ["stdout"]\n[[outputs.file]]\n  files = ["${file}"]\n`,
    );
    const run = startCli(['run', '--config', path]);
    await waitFor(run.out, (o) => o.stdout.includes('greeting="hello"'));
    run.child.stdout!.destroy();
    const lines = () => (existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').length : 0);
    const seen = lines();
    await waitFor(run.out, () => lines() >= seen + 5, 30_000);
    expect(run.child.exitCode).toBeNull();
    run.child.kill('SIGTERM');
    const { code, stderr } = await run.done;
    expect(stderr).not.toMatch(/EPIPE.*\n\s+at /);
    expect(code).toBe(0);
  });

  it('`vigil test` runs items through the processors, and needs no output', async () => {
    const path = config('test-processors.toml', `${EXAMPLE_PLUGIN}[[inputs.example]]\n[[processors.override]]\n  name_override = "renamed"\n  [processors.override.tags]\n    stage = "processed"\n`);
    const { code, stdout } = await runCli(['test', '--config', path]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^> renamed,host=\S+,stage=processed greeting="hello",count=0i \d{19}\n$/);
  });

  it('`vigil run` refuses a configuration with no outputs in one line', async () => {
    const path = config('no-outputs.toml', `${EXAMPLE_PLUGIN}[[inputs.example]]\n`);
    const { code, stdout, stderr } = await runCli(['run', '--once', '--config', path]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/output/);
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
    expect(stdout).toMatch(/^outputs\.file +@vigil\/outputs-file +0\.1\.0 +built-in +Writes/m);
    expect(stdout).toMatch(/processors\.override\s+@vigil\/processors-override/);
    for (const name of ['inputs.system', 'inputs.http', 'inputs.docker', 'inputs.logs', 'outputs.heartbeat']) expect(stdout).toContain(name);
  });

  it.each([['--version'], ['-v'], ['-V'], ['version']])('%s prints the version of the package', async (flag) => {
    const { version } = JSON.parse(readFileSync(join(REPO, 'packages/core/package.json'), 'utf8'));
    expect(await runCli([flag])).toEqual({ code: 0, stdout: `vigil ${version}\n`, stderr: '' });
  });
});
