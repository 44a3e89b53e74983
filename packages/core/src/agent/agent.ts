import { hostname as osHostname } from 'node:os';
import type { LoadedConfig, PluginConfig } from '../config/model.js';
import { ConfigError, whereOfProblem } from '../config/errors.js';
import { bufferFolderName, bufferSettings, type BufferSettings } from '../config/buffer-settings.js';
import type { Item } from '../model/item.js';
import { Pipeline } from '../pipeline/pipeline.js';
import { RunningInput } from '../pipeline/running-input.js';
import { RunningOutput } from '../pipeline/running-output.js';
import { RunningProcessor } from '../pipeline/running-processor.js';
import { RejectedItems } from '../pipeline/rejected-items.js';
import type { AgentInfo, InputDefinition, OutputDefinition, PluginContext, ProcessorDefinition } from '../sdk/plugin.js';
import { VERSION } from '../version.js';
import { StatsSet } from '../stats/stats.js';
import type { AgentEnvironment } from './environment.js';
import type { StateStore } from './state-store.js';
import { openBuffer, reportOrphanedBuffers, type OwnedBuffer } from './output-buffers.js';

export interface BuildOptions {
  /** Replaces the configured outputs with one function, after the processors (`vigil test`). */
  capture?: (item: Item) => void;
}

interface ConfiguredOutput {
  output: RunningOutput;
  buffer: BufferSettings;
  owned?: OwnedBuffer;
}

/** The running configuration: inputs → processors → outputs, and their lifecycle. */
export class Agent {
  readonly inputs: RunningInput[] = [];
  readonly processors: RunningProcessor[] = [];
  readonly outputs: RunningOutput[] = [];
  readonly info: AgentInfo;
  private readonly state: StateStore;
  private readonly statsSet: StatsSet;
  private readonly configured: ConfiguredOutput[] = [];
  /** Until stopped or handed over, this configuration's plugins may save state. */
  private active = true;

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
    this.state = env.states.open(agent.statefile);

    for (const pc of config.processors) {
      const stats = this.statsSet.registerProcessor(pc.name, pc.common.alias ?? '');
      this.processors.push(new RunningProcessor(pc, create<ProcessorDefinition>(pc, this.context(pc, agent.interval)), stats, this.childLog(pc)));
    }
    if (!options.capture) {
      for (const pc of config.outputs) {
        const def = pc.definition as OutputDefinition;
        const buffer = bufferSettings(agent, pc);
        const schedule = {
          intervalMs: pc.common.flush_interval ?? agent.flush_interval,
          jitterMs: pc.common.flush_jitter ?? agent.flush_jitter,
          batchSize: pc.common.metric_batch_size ?? agent.metric_batch_size,
          timeoutMs: writeTimeout(pc),
          whenFull: buffer.whenFull,
        };
        const plugin = create<OutputDefinition>(pc, this.context(pc, schedule.intervalMs));
        const stats = this.statsSet.registerOutput(pc.name, pc.common.alias ?? '', buffer.limit);
        const rejected = buffer.configuredDirectory ? new RejectedItems(buffer.configuredDirectory, bufferFolderName(pc.key), this.childLog(pc)) : undefined;
        const output = new RunningOutput(pc, plugin, stats, this.childLog(pc), schedule, def.accepts, rejected, this.info.redact);
        this.outputs.push(output);
        this.configured.push({ output, buffer });
      }
    }
    const pipeline = new Pipeline(this.processors, this.outputs, options.capture);
    const toInputs = { emit: pipeline.push, waitForRoom: pipeline.waitForRoom, isBlocked: pipeline.isBlocked };
    const hostTag: Record<string, string> = agent.omit_hostname ? {} : { host: this.info.hostname };
    for (const pc of config.inputs) {
      const schedule = {
        intervalMs: pc.common.interval ?? agent.interval,
        jitterMs: pc.common.collection_jitter ?? agent.collection_jitter,
        roundInterval: agent.round_interval,
        offsetMs: pc.common.collection_offset ?? agent.collection_offset,
        precisionMs: pc.common.precision ?? agent.precision,
      };
      const plugin = create<InputDefinition>(pc, this.context(pc, schedule.intervalMs));
      const stats = this.statsSet.registerInput(pc.name, pc.common.alias ?? '');
      this.inputs.push(new RunningInput(pc, plugin, stats, this.childLog(pc), schedule, [config.globalTags, hostTag], toInputs));
    }
  }

  private childLog(pc: PluginConfig) {
    return this.env.logger.child({ plugin: pc.id });
  }

  private context(pc: PluginConfig, intervalMs: number): PluginContext<unknown> {
    return {
      state: this.state.slot(pc.key, () => this.active),
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
   * Opens buffers (those not handed over by the previous configuration), connects outputs,
   * starts service inputs and schedules gathers and flushes. Without `schedule` nothing runs by
   * itself (for `--once` and `vigil test`).
   */
  async start({ schedule = true }: { schedule?: boolean } = {}): Promise<void> {
    this.env.stats.activate(this.statsSet);
    for (const c of this.configured) {
      c.owned ??= await openBuffer(c.buffer, c.output);
      c.owned.relay.owner = c.output;
      c.output.useBuffer(c.owned.buffer);
    }
    await reportOrphanedBuffers(this.configured.map((c) => c.buffer), this.env.logger);
    for (const c of this.configured) {
      if (c.buffer.strategy === 'disk' && c.output.config.key.includes('#')) {
        c.output.log.warn('its disk buffer is known by its position among the outputs of its plugin; give it an alias so the buffer stays its own when outputs are added or removed');
      }
    }
    // Outputs connect in the background: one slow endpoint must not hold up every input.
    // Until connected an output buffers; its writes connect first.
    for (const o of this.outputs) void o.connect();
    if (schedule) for (const o of this.outputs) o.start();
    for (const i of this.inputs) {
      try {
        await i.start(schedule);
      } catch (err) {
        i.stats.startup_errors++;
        Object.assign(i.health, { lastError: (err as Error).message, lastErrorAt: Date.now() });
        i.log.error(`could not start: ${(err as Error).message}`);
      }
    }
    const names = (list: { id: string }[]) => (list.length > 0 ? list.map((p) => p.id).join(', ') : 'none');
    this.env.logger.info(`loaded inputs: ${names(this.inputs)}; processors: ${names(this.processors)}; outputs: ${names(this.outputs)}`);
  }

  /** The buffer settings an output was configured with (the status API reads its limits). */
  bufferSettingsOf(output: RunningOutput): BufferSettings | undefined {
    return this.configured.find((c) => c.output === output)?.buffer;
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
   * Stops inputs, then gives outputs until `shutdown_timeout` to write what they hold, then
   * writes the statefile, so the positions saved are those of what was delivered.
   * Resolves false if anything was left unwritten.
   */
  async stop(): Promise<boolean> {
    const deadline = Date.now() + this.config.agent.shutdown_timeout;
    // Buffers handed over by a reload that a stop overtook, before start() could use them.
    for (const c of this.configured) if (c.owned && !c.output.hasBuffer) c.output.useBuffer(c.owned.buffer);
    await Promise.all(this.inputs.map((i) => i.stop(deadline)));
    const results = await Promise.all(this.outputs.map((o) => o.stop(deadline)));
    await this.closeProcessors();
    this.state.persist();
    this.active = false;
    return results.every(Boolean);
  }

  /**
   * A reload: stops this configuration's inputs, lets what they handed on settle (until
   * `shutdown_timeout`), then gives every output that `next` has too (same key, plugin and
   * buffer) its buffer, untouched, and flushes the outputs `next` no longer has. `next` then
   * starts with the saved positions and the buffers it was given.
   */
  async handOverTo(next: Agent): Promise<void> {
    const deadline = Date.now() + this.config.agent.shutdown_timeout;
    await Promise.all(this.inputs.map((i) => i.stop(deadline)));
    if (this.inputs.some((i) => i.undelivered > 0)) {
      void this.flushNow();
      await Promise.all(this.inputs.map((i) => i.allSettled(deadline)));
    }
    await Promise.all(
      this.configured.map(async (c) => {
        const heir = next.configured.find((n) => sameBuffer(n, c));
        if (!heir || heir.owned) return c.output.stop(deadline);
        await c.output.handOver(deadline);
        heir.owned = c.owned;
        c.owned = undefined;
        heir.output.inheritHealth(c.output.health);
      }),
    );
    await this.closeProcessors();
    this.state.persist();
    this.active = false;
  }

  private async closeProcessors(): Promise<void> {
    for (const p of this.processors) {
      try {
        await p.plugin.close?.();
      } catch (err) {
        this.env.logger.error(`${p.id}: closing: ${(err as Error).message}`);
      }
    }
  }
}

/** Default write timeout for outputs whose plugin has no `timeout` of its own. */
const DEFAULT_WRITE_TIMEOUT_MS = 30_000;
/** A plugin with its own `timeout` reports it first, with its own reason; the agent abandons the write this much later. */
const PLUGIN_TIMEOUT_GRACE_MS = 1_000;

/** How long a write may take: the common `timeout`, or the plugin's own `timeout` plus a grace. */
function writeTimeout(pc: PluginConfig): number {
  const own = pc.options.timeout;
  return typeof own === 'number' && own > 0 ? own + PLUGIN_TIMEOUT_GRACE_MS : (pc.common.timeout ?? DEFAULT_WRITE_TIMEOUT_MS);
}

/**
 * Whether `next` is the same output with the same buffer settings, so it may take the buffer
 * over as it is. Otherwise the old output stops (a disk buffer's items stay in its folder, which
 * the new output opens with its own settings).
 */
function sameBuffer(next: ConfiguredOutput, previous: ConfiguredOutput): boolean {
  const a = next.output.config;
  const b = previous.output.config;
  return a.key === b.key && a.name === b.name && JSON.stringify(next.buffer) === JSON.stringify(previous.buffer);
}

function create<D extends InputDefinition | ProcessorDefinition | OutputDefinition>(pc: PluginConfig, ctx: PluginContext<unknown>): ReturnType<D['create']> {
  try {
    return (pc.definition as D).create(ctx as never) as ReturnType<D['create']>;
  } catch (err) {
    throw new ConfigError(whereOfProblem(pc, (err as Error).message), pc.id, (err as Error).message);
  }
}
