import { toLineProtocol, type Item } from '@vigil/core';
import { Agent, createEnvironment, type Registry } from '@vigil/core/runtime';
import { loadFromFlags, type SourceFlags } from '../load.js';
import { formatTable } from '../table.js';
import { UsageError } from '../usage.js';

/** The longest --test-wait: a day is more than any service input needs to show what it does. */
const MAX_TEST_WAIT_SECONDS = 86_400;

/** --test-wait as milliseconds: seconds from 0 to a day, fractions allowed. */
function testWaitMs(value: string | undefined): number {
  if (value === undefined) return 0;
  const seconds = Number(value);
  if (value.trim() === '' || !Number.isFinite(seconds) || seconds < 0 || seconds > MAX_TEST_WAIT_SECONDS) {
    throw new UsageError(`--test-wait takes a number of seconds from 0 to ${MAX_TEST_WAIT_SECONDS}, not "${value.slice(0, 40)}"`);
  }
  return seconds * 1000;
}

export interface TestFlags extends SourceFlags {
  debug?: boolean;
  /** Seconds service inputs run before they are stopped (Telegraf's --test-wait). */
  'test-wait'?: string;
}

/**
 * Gathers once through inputs and processors, prints each item as line protocol prefixed
 * "> " on stdout and a summary table on stderr. No output runs (none need be configured).
 * Exit 1 if an input failed.
 */
export async function test(flags: TestFlags, registry: Registry): Promise<number> {
  const waitMs = testWaitMs(flags['test-wait']);
  const config = await loadFromFlags(flags, registry);
  const env = createEnvironment(config.agent, { debug: flags.debug });
  const lines: string[] = [];
  const capture = (item: Item) => {
    const line = toLineProtocol(item);
    if (line) lines.push(`> ${line}\n`);
  };
  const agent = new Agent({ ...config, agent: { ...config.agent, statefile: '' } }, env, { capture });
  await agent.start({ schedule: false });
  await agent.gatherOnce();
  if (waitMs > 0) await new Promise((r) => setTimeout(r, waitMs));
  await agent.stop();
  process.stdout.write(lines.join(''));

  const failures = agent.inputs.map(({ stats }) => stats.errors + stats.startup_errors + stats.gather_timeouts);
  const rows = agent.inputs.map((input, i) => [
    input.id,
    String(input.stats.metrics_gathered),
    String(failures[i]),
    `${(input.stats.gather_time_ns / 1e6).toFixed(1)} ms`,
  ]);
  process.stderr.write(formatTable(['plugin', 'metrics', 'errors', 'time'], rows));
  return failures.some((n) => n > 0) ? 1 : 0;
}
