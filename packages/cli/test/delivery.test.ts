// What the delivery guarantees of docs/delivery.md look like to a user: the real CLI tailing a
// growing file into a file output, stopped, reloaded and killed with SIGKILL along the way.
import { appendFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killLeftovers, startCli, waitFor } from './cli-process.js';

const WINDOW = 200;
const LINE_BYTES = 'line 000000\n'.length;
const BATCH = 100;

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'vigil-delivery-'))));
afterEach(killLeftovers);

function paths() {
  return { log: join(dir, 'app.log'), out: join(dir, 'out.lp'), state: join(dir, 'state.json'), config: join(dir, 'vigil.toml') };
}

function writeConfig(extra = ''): string {
  const p = paths();
  writeFileSync(
    p.config,
    `[agent]
  omit_hostname = true
  statefile = "${p.state}"
  flush_interval = "100ms"
  metric_batch_size = ${BATCH}
${extra}
[[inputs.logs]]
  files = ["${p.log}"]
  initial_read_offset = "saved-or-beginning"
  max_undelivered_lines = ${WINDOW}
[[outputs.file]]
  files = ["${p.out}"]
`,
  );
  return p.config;
}

/** Appends `count` numbered lines, `perTick` at a time every 10 ms (a steady writer). */
async function appendLines(file: string, count: number, perTick: number): Promise<void> {
  for (let n = 0; n < count; n += perTick) {
    const lines = [];
    for (let i = n; i < Math.min(count, n + perTick); i++) lines.push(`line ${String(i).padStart(6, '0')}\n`);
    appendFileSync(file, lines.join(''));
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The line numbers the output file holds, in order. */
function delivered(): number[] {
  const out = paths().out;
  if (!existsSync(out)) return [];
  return [...readFileSync(out, 'utf8').matchAll(/message="line (\d+)"/g)].map((m) => Number(m[1]));
}

function tally(numbers: number[], expected: number) {
  const seen = new Map<number, number>();
  for (const n of numbers) seen.set(n, (seen.get(n) ?? 0) + 1);
  const missing = [];
  for (let i = 0; i < expected; i++) if (!seen.has(i)) missing.push(i);
  return { missing, duplicates: numbers.length - seen.size };
}

const runAgent = (config: string) => startCli(['run', '--config', config]);

async function untilDelivered(count: number, agent: ReturnType<typeof runAgent>): Promise<void> {
  await waitFor(agent.out, () => new Set(delivered()).size >= count, 60_000);
}

describe('delivery through a real agent', () => {
  it('SIGTERM in the middle of a growing file, then a restart: every line exactly once', async () => {
    const config = writeConfig();
    const { log } = paths();
    writeFileSync(log, '');
    const writer = appendLines(log, 6000, 60);
    let agent = runAgent(config);
    await waitFor(agent.out, () => delivered().length >= 1000, 30_000);
    agent.child.kill('SIGTERM');
    expect((await agent.done).code).toBe(0);
    agent = runAgent(config);
    await writer;
    await untilDelivered(6000, agent);
    agent.child.kill('SIGTERM');
    await agent.done;
    expect(tally(delivered(), 6000)).toEqual({ missing: [], duplicates: 0 });
  });

  it('three SIGHUP reloads with a changed config while a writer appends: every line exactly once', async () => {
    const config = writeConfig();
    const { log } = paths();
    writeFileSync(log, '');
    const agent = runAgent(config);
    await waitFor(agent.out, (o) => o.stderr.includes('loaded inputs'));
    const writer = appendLines(log, 8000, 40);
    for (let reload = 1; reload <= 3; reload++) {
      await waitFor(agent.out, () => delivered().length >= reload * 1500, 30_000);
      writeConfig(`  flush_jitter = "${reload}ms"`);
      agent.child.kill('SIGHUP');
      await waitFor(agent.out, (o) => o.stderr.split('configuration reloaded').length - 1 === reload, 30_000);
    }
    await writer;
    await untilDelivered(8000, agent);
    agent.child.kill('SIGTERM');
    await agent.done;
    expect(agent.out.stderr).not.toMatch(/reload failed/);
    expect(tally(delivered(), 8000)).toEqual({ missing: [], duplicates: 0 });
  });

  it('kill -9 three times while a writer appends: nothing lost, and a kill repeats only what was delivered after the statefile was last written', async () => {
    const config = writeConfig();
    const { log, state } = paths();
    writeFileSync(log, '');
    const writer = appendLines(log, 12_000, 20); // 2,000 lines a second
    let unsaved = 0;
    for (let kill = 1; kill <= 3; kill++) {
      const agent = runAgent(config);
      await waitFor(agent.out, () => new Set(delivered()).size >= kill * 2500, 30_000);
      agent.child.kill('SIGKILL');
      await agent.done;
      // Lines are LINE_BYTES long: the saved offset says how many the next start skips.
      const saved = existsSync(state) ? JSON.parse(readFileSync(state, 'utf8'))['inputs.logs'].files[0].offset / LINE_BYTES : 0;
      const written = new Set(delivered()).size;
      // Never saved past what reached the output: that would be a loss.
      expect(saved).toBeLessThanOrEqual(written);
      unsaved += written - saved;
    }
    const agent = runAgent(config);
    await writer;
    await untilDelivered(12_000, agent);
    agent.child.kill('SIGTERM');
    await agent.done;
    const { missing, duplicates } = tally(delivered(), 12_000);
    expect(missing).toEqual([]);
    expect(duplicates).toBeLessThanOrEqual(unsaved);
  });
});
