import { Agent, createEnvironment, type Registry } from '@vigil/core/runtime';
import { loadFromFlags, type SourceFlags } from '../load.js';
import { UsageError } from '../usage.js';

export interface HeartbeatFlags extends SourceFlags {
  print?: boolean;
}

/**
 * `vigil heartbeat --print`: the message every heartbeat output would send now, one JSON
 * document per URL and line, `{"url": …, "message": …}`, nothing sent. Secrets (URL passwords
 * too) are shown as ***.
 */
export async function heartbeat(flags: HeartbeatFlags, registry: Registry): Promise<number> {
  if (!flags.print) throw new UsageError('heartbeat needs --print (it only shows what would be sent)');
  const config = await loadFromFlags(flags, registry);
  const env = createEnvironment({ ...config.agent, logfile: '', quiet: true, debug: false });
  const agent = new Agent({ ...config, agent: { ...config.agent, statefile: '' } }, env);
  const previewing = agent.outputs.filter((o) => o.config.name === 'heartbeat' && typeof o.plugin.preview === 'function');
  if (previewing.length === 0) {
    process.stderr.write('vigil: no [[outputs.heartbeat]] in the configuration\n');
    return 1;
  }
  for (const output of previewing) {
    const preview = await output.plugin.preview!();
    for (const document of Array.isArray(preview) ? preview : [preview]) {
      process.stdout.write(JSON.stringify(env.redactor.redactDeep(document)) + '\n');
    }
  }
  return 0;
}
