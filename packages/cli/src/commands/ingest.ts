import type { Item } from '@vigil/core';
import { Agent, createEnvironment, type Registry } from '@vigil/core/runtime';
import { loadFromFlags, type SourceFlags } from '../load.js';
import { UsageError } from '../usage.js';

export interface IngestFlags extends SourceFlags {
  print?: boolean;
}

/**
 * `vigil ingest --print`: gathers once through inputs and processors, then prints what every
 * ingest output would send for those items now (edge: the envelope, a HostHeartbeat first;
 * platform: one document per route), one JSON document per line. Nothing is sent; secrets
 * are shown as ***.
 */
export async function ingest(flags: IngestFlags, registry: Registry): Promise<number> {
  if (!flags.print) throw new UsageError('ingest needs --print (it only shows what would be sent)');
  const config = await loadFromFlags(flags, registry);
  const env = createEnvironment({ ...config.agent, logfile: '', quiet: true, debug: false });
  const noState = { ...config, agent: { ...config.agent, statefile: '' } };
  const outputs = new Agent(noState, env).outputs.filter((o) => o.config.name === 'ingest' && typeof o.plugin.preview === 'function');
  if (outputs.length === 0) {
    process.stderr.write('vigil: no [[outputs.ingest]] in the configuration\n');
    return 1;
  }
  const items: Item[] = [];
  const gatherer = new Agent(noState, env, { capture: (item) => items.push(item) });
  await gatherer.start({ schedule: false });
  await gatherer.gatherOnce();
  await gatherer.stop();
  for (const output of outputs) {
    // The output's own selectors (namepass …) are not applied here: every gathered item is shown.
    const preview = await output.plugin.preview!(items);
    for (const document of Array.isArray(preview) ? preview : [preview]) {
      process.stdout.write(JSON.stringify(env.redactor.redactDeep(document)) + '\n');
    }
    await output.plugin.close?.();
  }
  return 0;
}
