import { Agent, ConfigErrors, createEnvironment, CurrentAgent, logLevelOf, noOutputsError, settlesBy, type AgentEnvironment, type Registry } from '@vigil/core/runtime';
import { loadFromFlags, type SourceFlags } from '../load.js';
import { FlushSignals } from './flush-signals.js';

/** How long past shutdown_timeout a stuck stop may take before vigil exits anyway. */
const FORCED_EXIT_GRACE_MS = 5_000;
/** Exit codes of a second stop signal: 128 + the signal's number, as a shell reports it. */
const SIGNAL_EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;

export interface RunFlags extends SourceFlags {
  once?: boolean;
  debug?: boolean;
}

/** `vigil --once`: one gather, every output flushed; exit 1 if any output failed. */
async function runOnce(agent: Agent): Promise<number> {
  await agent.start({ schedule: false });
  await agent.gatherOnce();
  const written = await agent.stop();
  return written ? 0 : 1;
}

/**
 * Runs until SIGTERM/SIGINT (stop, flush, exit 0). SIGHUP reloads the configuration, keeping
 * the running one if the new one is invalid; SIGUSR1 flushes every output now.
 */
async function runForever(first: Agent, env: AgentEnvironment, flags: RunFlags, registry: Registry): Promise<number> {
  let agent = first;
  // What the status API reads; it outlives every reload.
  const current = new CurrentAgent(first, env);
  const api = first.config.api.listen ? new (await import('@vigil/core/status-api')).StatusServer({ listen: first.config.api.listen, token: first.config.api.token, view: current }) : undefined;
  if (api) env.logger.info(`status API listening on ${await api.start()}`);
  let busy: Promise<unknown> = agent.start().finally(() => {
    if (current.phase === 'starting') current.phase = 'running';
  });
  let reloading = false;
  let stopping = false;
  const log = env.logger;

  const reload = async () => {
    log.info('SIGHUP: reloading the configuration');
    if (!stopping) current.phase = 'reloading';
    try {
      const config = await loadFromFlags(flags, registry);
      const noOutputs = noOutputsError(config);
      if (noOutputs) throw new ConfigErrors([noOutputs]);
      const next = new Agent(config, env);
      reloading = true;
      await agent.handOverTo(next);
      env.logger.level = logLevelOf({ ...config.agent, debug: flags.debug || config.agent.debug });
      agent = next;
      current.agent = next;
      if (api) {
        api.useToken(config.api.token);
        if (config.api.listen !== first.config.api.listen) log.warn(`[api] listen changed to ${JSON.stringify(config.api.listen)}; the status API keeps ${JSON.stringify(first.config.api.listen)} until vigil restarts`);
      } else if (config.api.listen) log.warn('[api] was added; the status API starts when vigil restarts');
      // A stop that came meanwhile stops the new configuration, which holds the buffers now.
      if (stopping) return;
      await agent.start();
      log.info('configuration reloaded');
    } catch (err) {
      const detail = err instanceof ConfigErrors ? err.errors.map((e) => e.message).join('; ') : (err as Error).message;
      log.error(`reload failed, keeping the running configuration: ${detail}`);
    } finally {
      reloading = false;
      if (!stopping) current.phase = 'running';
    }
  };

  const flushSignals = new FlushSignals(
    log,
    (flush) => (busy = busy.then(flush)),
    () => agent.flushNow(),
  );

  return new Promise((resolve) => {
    const stop = (signal: string) => {
      stopping = true;
      current.phase = 'stopping';
      log.info(`${signal}: stopping, flushing outputs`);
      flushSignals.close();
      // A second Ctrl-C is someone who will not wait for the flush.
      for (const again of ['SIGINT', 'SIGTERM'] as const) {
        process.off(again, first);
        process.on(again, () => {
          log.warn('second signal: exiting now');
          process.exit(SIGNAL_EXIT_CODES[again]);
        });
      }
      process.removeAllListeners('SIGHUP');
      process.removeAllListeners('SIGUSR1');
      // Without listeners these signals would kill the process (or open the inspector) mid-flush.
      for (const late of ['SIGHUP', 'SIGUSR1'] as const) process.on(late, () => log.warn(`${late} ignored: stopping`));
      const timeout = agent.config.agent.shutdown_timeout;
      // The last resort: a plugin that ignores every deadline must not keep the process alive.
      // A reload under way hands over first (within its own shutdown_timeout), then the stop runs.
      const budget = (reloading ? 2 : 1) * timeout + FORCED_EXIT_GRACE_MS;
      setTimeout(() => {
        log.error(`stop did not finish within shutdown_timeout + ${FORCED_EXIT_GRACE_MS / 1000}s; exiting`);
        resolve(1);
      }, budget);
      void (reloading ? busy : settlesBy(busy, Date.now() + timeout))
        .then(() => agent.stop())
        .finally(() => api?.close())
        .then(
          () => resolve(0),
          (err: Error) => {
            log.error(`stopping: ${err.message}`);
            resolve(1);
          },
        );
    };
    const first = (signal: NodeJS.Signals) => stop(signal);
    process.on('SIGTERM', first);
    process.on('SIGINT', first);
    process.on('SIGHUP', () => {
      busy = busy.then(reload);
    });
    process.on('SIGUSR1', () => flushSignals.received());
  });
}

export async function run(flags: RunFlags, registry: Registry): Promise<number> {
  const config = await loadFromFlags(flags, registry);
  const noOutputs = noOutputsError(config);
  if (noOutputs) throw new ConfigErrors([noOutputs]);
  const env = createEnvironment(config.agent, { debug: flags.debug });
  for (const warning of config.warnings) env.logger.warn(warning);
  const agent = new Agent(config, env);
  return flags.once ? runOnce(agent) : runForever(agent, env, flags, registry);
}
