import { Agent, createEnvironment, settlesBy, type Registry } from '@vigil/core/runtime';
import { loadFromFlags, type SourceFlags } from '../load.js';
import { formatTable } from '../table.js';

/** How long one output may take to connect. */
const CONNECT_TIMEOUT_MS = 10_000;

/**
 * `vigil check-connection`: connects every output as the agent would at start (a broker with
 * its credentials and TLS, an HTTP endpoint's client, a file), then closes it; nothing is
 * gathered or written. One row per output; exit 1 when one could not connect.
 */
export async function checkConnection(flags: SourceFlags, registry: Registry): Promise<number> {
  const config = await loadFromFlags(flags, registry);
  const env = createEnvironment({ ...config.agent, logfile: '', quiet: true, debug: false });
  const agent = new Agent({ ...config, agent: { ...config.agent, statefile: '' } }, env);
  const rows = await Promise.all(
    agent.outputs.map(async (output): Promise<string[]> => {
      const { plugin } = output;
      if (!plugin.checkConnection && !plugin.connect) return [output.id, 'ok', 'nothing to connect to'];
      // An output whose connect leaves the destination to a background task checks it its own way.
      const connecting = Promise.resolve().then(() => (plugin.checkConnection ? plugin.checkConnection() : plugin.connect!()));
      try {
        if (!(await settlesBy(connecting, Date.now() + CONNECT_TIMEOUT_MS))) return [output.id, 'failed', `no answer within ${CONNECT_TIMEOUT_MS / 1000}s`];
        return [output.id, 'ok', (await connecting) || 'connected'];
      } catch (err) {
        return [output.id, 'failed', (err as Error).message];
      } finally {
        await settlesBy(Promise.resolve().then(() => output.plugin.close?.()).catch(() => undefined), Date.now() + CONNECT_TIMEOUT_MS);
      }
    }),
  );
  process.stdout.write(env.redactor.redact(formatTable(['output', 'result', 'detail'], rows)));
  return rows.some((r) => r[1] === 'failed') ? 1 : 0;
}
