import { toLineProtocol, type Item } from '@vigil/core';
import { Agent, createEnvironment, type Registry } from '@vigil/core/runtime';
import { loadFromFlags, type SourceFlags } from '../load.js';
import { formatTable } from '../table.js';

export interface TestFlags extends SourceFlags {
  debug?: boolean;
  /** Seconds service inputs run before they are stopped (Telegraf's --test-wait). */
  'test-wait'?: string;
}

/**
 * Gathers once through inputs and processors, prints each item as line protocol prefixed
 * "> " on stdout and a summary table on stderr. No output runs. Exit 1 if an input failed.
 */
export async function test(flags: TestFlags, registry: Registry): Promise<number> {
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
  const waitSeconds = Number(flags['test-wait'] ?? 0);
  if (waitSeconds > 0) await new Promise((r) => setTimeout(r, waitSeconds * 1000));
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
