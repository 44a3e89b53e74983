import { hostname as osHostname } from 'node:os';
import type { LoadedConfig, PluginConfig } from '../config/model.js';
import { ConfigError } from '../config/errors.js';
import type { Item } from '../model/item.js';
import { MemoryBuffer } from '../pipeline/buffer.js';
import { Pipeline } from '../pipeline/pipeline.js';
import { RunningInput } from '../pipeline/running-input.js';
import { RunningOutput } from '../pipeline/running-output.js';
import { RunningProcessor } from '../pipeline/running-processor.js';
import type { AgentInfo, InputDefinition, OutputDefinition, PluginContext, ProcessorDefinition } from '../sdk/plugin.js';
import { VERSION } from '../version.js';
import { StatsSet } from '../stats/stats.js';
import type { AgentEnvironment } from './environment.js';
import { StateStore } from './state-store.js';

/** How often plugin state is written to the statefile while running. */
const STATE_PERSIST_INTERVAL_MS = 5_000;

export interface BuildOptions {
  /** Replaces the configured outputs with one function (`vigil test`). */
  capture?: (item: Item) => void;
}

/** The running configuration: inputs → processors → outputs, and their lifecycle. */
export class Agent {
  readonly inputs: RunningInput[] = [];
  readonly processors: RunningProcessor[] = [];
  readonly outputs: RunningOutput[] = [];
  readonly info: AgentInfo;
  private readonly state: StateStore;
  private readonly statsSet: StatsSet;
  private readonly stateKeys = new Map<string, number>();
  private stateTimer?: NodeJS.Timeout;

  constructor(
    readonly config: LoadedConfig,
    readonly env: AgentEnvironment,
    options: BuildOptions = {},
  ) {
    const { agent } = config;
    for (const s of config.secrets) env.redactor.add(s);
    this.info = {
      version: VERSION,
      hostname: agent.hostname || osHostname(),
      omitHostname: agent.omit_hostname,
      logTimezone: agent.log_with_timezone,
      configSources: config.sources,
      startTime: env.startTime,
      statefile: agent.statefile,
      redact: (text) => env.redactor.redact(text),
    };
    // Registered here, shown from start(): a configuration that fails to build leaves the
    // running one's counters in place.
    this.statsSet = new StatsSet();
    this.state = new StateStore(agent.statefile, env.logger);

    for (const pc of config.processors) {
      this.processors.push(new RunningProcessor(pc, create<ProcessorDefinition>(pc, this.context(pc, agent.interval))));
    }
    if (!options.capture) {
      for (const pc of config.outputs) {
        const def = pc.definition as OutputDefinition;
        const limit = pc.common.metric_buffer_limit ?? agent.metric_buffer_limit;
        const schedule = {
          intervalMs: pc.common.flush_interval ?? agent.flush_interval,
          jitterMs: pc.common.flush_jitter ?? agent.flush_jitter,
          batchSize: pc.common.metric_batch_size ?? agent.metric_batch_size,
        };
        const plugin = create<OutputDefinition>(pc, this.context(pc, schedule.intervalMs));
        const stats = this.statsSet.registerOutput(pc.name, pc.common.alias ?? '', limit);
        this.outputs.push(new RunningOutput(pc, plugin, new MemoryBuffer(limit), stats, this.childLog(pc), schedule, def.accepts));
      }
    }
    const pipeline = new Pipeline(this.processors, this.outputs);
    const emit = options.capture ?? pipeline.push;
    const waitForRoom = options.capture ? () => Promise.resolve() : pipeline.waitForRoom;
    const hostTag: Record<string, string> = agent.omit_hostname ? {} : { host: this.info.hostname };
    for (const pc of config.inputs) {
      const schedule = {
        intervalMs: pc.common.interval ?? agent.interval,
        jitterMs: pc.common.collection_jitter ?? agent.collection_jitter,
        roundInterval: agent.round_interval,
      };
      const plugin = create<InputDefinition>(pc, this.context(pc, schedule.intervalMs));
      const stats = this.statsSet.registerInput(pc.name, pc.common.alias ?? '');
      this.inputs.push(new RunningInput(pc, plugin, stats, this.childLog(pc), schedule, [config.globalTags, hostTag], emit, waitForRoom));
    }
  }

  private childLog(pc: PluginConfig) {
    return this.env.logger.child({ plugin: pc.id });
  }

  /** "inputs.logs", "inputs.logs#2" …: stable while the config keeps its order. */
  private stateKey(pc: PluginConfig): string {
    const base = pc.common.alias ? `${pc.kind}.${pc.name}:${pc.common.alias}` : `${pc.kind}.${pc.name}`;
    const n = (this.stateKeys.get(base) ?? 0) + 1;
    this.stateKeys.set(base, n);
    return n === 1 ? base : `${base}#${n}`;
  }

  private context(pc: PluginConfig, intervalMs: number): PluginContext<unknown> {
    return {
      state: this.state.slot(this.stateKey(pc)),
      options: pc.options,
      id: pc.id,
      log: this.childLog(pc),
      agent: this.info,
      stats: this.env.stats,
      logs: this.env.ring,
      intervalMs,
    };
  }

  /**
   * Connects outputs, starts service inputs and schedules gathers and flushes. Without
   * `schedule` nothing runs by itself (for `--once` and `vigil test`).
   */
  async start({ schedule = true }: { schedule?: boolean } = {}): Promise<void> {
    this.env.stats.activate(this.statsSet);
    // Outputs connect in the background: one slow endpoint must not hold up every input.
    // Until connected an output buffers; its writes connect first.
    for (const o of this.outputs) void o.connect();
    if (schedule) for (const o of this.outputs) o.start();
    for (const i of this.inputs) {
      try {
        await i.start(schedule);
      } catch (err) {
        i.stats.startup_errors++;
        i.log.error(`could not start: ${(err as Error).message}`);
      }
    }
    this.stateTimer = setInterval(() => this.state.persist(), STATE_PERSIST_INTERVAL_MS);
    const names = (list: { id: string }[]) => (list.length > 0 ? list.map((p) => p.id).join(', ') : 'none');
    this.env.logger.info(`loaded inputs: ${names(this.inputs)}; processors: ${names(this.processors)}; outputs: ${names(this.outputs)}`);
  }

  /** Gathers every polled input once; resolves true when none reported an error. */
  async gatherOnce(): Promise<boolean> {
    const results = await Promise.all(this.inputs.map((i) => i.gatherOnce()));
    return results.every(Boolean);
  }

  /** Writes everything buffered now (SIGUSR1), ignoring backoff. */
  async flushNow(): Promise<boolean> {
    const results = await Promise.all(this.outputs.map((o) => o.flush(false, true)));
    return results.every(Boolean);
  }

  /**
   * Stops inputs, then gives outputs until `shutdown_timeout` to write what they hold.
   * Resolves false if anything was left unwritten.
   */
  async stop(): Promise<boolean> {
    const deadline = Date.now() + this.config.agent.shutdown_timeout;
    await Promise.all(this.inputs.map((i) => i.stop(deadline)));
    clearInterval(this.stateTimer);
    this.state.persist();
    const results = await Promise.all(this.outputs.map((o) => o.stop(deadline)));
    for (const p of this.processors) {
      try {
        await p.plugin.close?.();
      } catch (err) {
        this.env.logger.error(`${p.id}: closing: ${(err as Error).message}`);
      }
    }
    return results.every(Boolean);
  }
}

function create<D extends InputDefinition | ProcessorDefinition | OutputDefinition>(pc: PluginConfig, ctx: PluginContext<unknown>): ReturnType<D['create']> {
  try {
    return (pc.definition as D).create(ctx as never) as ReturnType<D['create']>;
  } catch (err) {
    throw new ConfigError(pc.where, pc.id, (err as Error).message);
  }
}
