import Docker from 'dockerode';
import PQueue from 'p-queue';
import type { Accumulator, Fields, Logger, Tags } from '@vigil/core';
import { ContainerFilter, containerName } from './container-filter.js';
import { ContainerMemory } from './container-memory.js';
import { cpuRows, cpuSample } from './cpu-fields.js';
import { EngineClient } from './engine-client.js';
import { resolveEndpoint } from './engine-endpoint.js';
import { describeEngineError, isGone } from './engine-errors.js';
import { EngineOutage } from './engine-outage.js';
import { engineTimeNs } from './engine-time.js';
import type { ContainerSummary, EngineInfo, InspectResult, StatsResult } from './engine-types.js';
import { ExitEvents } from './exit-events.js';
import { GatherProblems } from './gather-problems.js';
import { splitImage } from './image-name.js';
import { blkioRows, networkRows } from './io-fields.js';
import { memoryRow } from './memory-fields.js';
import type { DockerOptions } from './options.js';
import { int, type Row } from './rows.js';
import { statusRows } from './status-fields.js';

// Containers read at once. The engine samples stats once a second for every container asked
// about at that moment, so a stats read waits up to a second (two for a container seen for the
// first time, which gets a CPU figure at once) whoever else is waiting: the more read together,
// the fewer ticks a gather takes. `docker stats` asks about every container at once.
const CONTAINERS_AT_ONCE = 100;

function engineRow(info: EngineInfo): Fields {
  const figures: [string, number | undefined][] = [
    ['n_containers', info.Containers],
    ['n_containers_running', info.ContainersRunning],
    ['n_containers_stopped', info.ContainersStopped],
    ['n_containers_paused', info.ContainersPaused],
    ['n_images', info.Images],
    ['n_cpus', info.NCPU],
    ['n_used_file_descriptors', info.NFd],
    ['n_goroutines', info.NGoroutines],
    ['n_listener_events', info.NEventsListener],
    ['memory_total', info.MemTotal],
  ];
  const fields: Fields = {};
  for (const [name, value] of figures) if (typeof value === 'number') fields[name] = int(value);
  return fields;
}

/** A stats answer for a container that stopped after it was listed has no sample time. */
function sampleTime(stats: StatsResult): number | undefined {
  const ms = stats.read ? Date.parse(stats.read) : NaN;
  return ms > 0 ? ms : undefined;
}

/** One configured `[[inputs.docker]]`: what a gather does, and what it keeps between gathers. */
export class DockerInput {
  private readonly memory = new ContainerMemory();
  private readonly exits = new ExitEvents();
  private readonly outage = new EngineOutage();
  private readonly filter: ContainerFilter;

  constructor(
    private readonly client: EngineClient,
    /** The endpoint as errors name it. */
    private readonly endpoint: string,
    private readonly options: DockerOptions,
    private readonly log: Logger,
  ) {
    this.filter = new ContainerFilter(options);
  }

  /** Ids of the containers the plugin holds state for (for tests and debugging). */
  rememberedContainers(): string[] {
    return this.memory.ids();
  }

  async gather(acc: Accumulator): Promise<void> {
    const signal = acc.signal;
    let info: EngineInfo;
    let listed: ContainerSummary[];
    try {
      [info, listed] = await Promise.all([this.client.info(signal), this.client.listContainers(signal)]);
    } catch (err) {
      // An aborted gather was given up by the agent, which reports that itself.
      if (signal.aborted) return;
      this.outage.failed();
      acc.addError(describeEngineError(err, this.endpoint, this.options.timeout));
      return;
    }
    const back = this.outage.recovered(this.endpoint);
    if (back) this.log.info(back);

    const problems = new GatherProblems();
    const engineNow = engineTimeNs(info.SystemTime);
    if (engineNow !== undefined) {
      await this.exits.follow(this.client, engineNow, this.memory, signal).catch((err) => problems.add("the engine's events", err));
    }
    const engineTags: Tags = { engine_host: info.Name ?? '', server_version: info.ServerVersion ?? '' };
    acc.addFields('docker', engineRow(info), engineTags);

    const selected: { container: ContainerSummary; name: string }[] = [];
    for (const container of listed) {
      const name = containerName(container.Names);
      if (name !== undefined && this.filter.selects(name, container.State ?? '')) selected.push({ container, name });
    }
    // Containers that are gone (or no longer selected) take what was kept about them along.
    this.memory.keepOnly(new Set(selected.map((s) => s.container.Id)));

    const queue = new PQueue({ concurrency: CONTAINERS_AT_ONCE });
    await Promise.all(selected.map(({ container, name }) => queue.add(() => this.gatherContainer(container, name, engineTags, acc, problems))));

    const summary = problems.summary(this.endpoint, this.options.timeout);
    if (summary && !signal.aborted) acc.addError(summary);
  }

  private async gatherContainer(container: ContainerSummary, name: string, engineTags: Tags, acc: Accumulator, problems: GatherProblems): Promise<void> {
    const signal = acc.signal;
    if (signal.aborted) return;
    const id = container.Id;
    const hasStats = container.State === 'running' || container.State === 'paused';
    const kept = this.memory.peek(id);
    let inspect: InspectResult;
    let stats: StatsResult | undefined;
    try {
      [inspect, stats] = await Promise.all([
        this.client.inspect(id, signal),
        // With a sample kept from the last gather, one-shot stats need not wait for a fresh one.
        hasStats ? this.client.stats(id, kept?.cpu !== undefined, signal) : undefined,
      ]);
    } catch (err) {
      if (isGone(err)) this.memory.forget(id);
      else if (!signal.aborted) problems.add(`container "${name}"`, err);
      return;
    }

    const now = Date.now();
    const { image, version } = splitImage(container.Image ?? '');
    const tags: Tags = {
      ...this.filter.labelTags(container.Labels),
      ...engineTags,
      container_name: name,
      container_image: image,
      container_version: version,
      container_status: inspect.State?.Status ?? container.State ?? 'unknown',
    };
    const remembered = this.memory.of(id);
    const statsAt = stats ? sampleTime(stats) : undefined;
    const rows: { row: Row; at: number }[] = statusRows(inspect, {
      pidsCurrent: statsAt ? stats?.pids_stats?.current : undefined,
      rememberedExitReason: remembered.exitReason,
      nowNs: BigInt(now) * 1_000_000n,
    }).map((row) => ({ row, at: now }));

    if (stats && statsAt) {
      const { perdevice_include: perDevice, total_include: total } = this.options;
      const run = inspect.State?.StartedAt;
      const previousCpu = kept?.cpu && kept.cpuRun === run ? kept.cpu : cpuSample(stats.precpu_stats);
      const resources = [
        memoryRow(stats.memory_stats),
        ...cpuRows(stats, previousCpu, perDevice.includes('cpu'), total.includes('cpu')),
        ...networkRows(stats, perDevice.includes('network'), total.includes('network')),
        ...blkioRows(stats, perDevice.includes('blkio'), total.includes('blkio')),
      ];
      for (const row of resources) if (row) rows.push({ row, at: statsAt });
      remembered.cpu = cpuSample(stats.cpu_stats);
      remembered.cpuRun = run;
    }
    for (const { row, at } of rows) acc.addFields(row.measurement, { ...row.fields, container_id: id }, { ...tags, ...row.tags }, at);
  }
}

/** Builds the input from validated options: the endpoint is resolved now, connected per request. */
export function createDockerInput(options: DockerOptions, log: Logger): DockerInput {
  const endpoint = resolveEndpoint(options);
  const client = new EngineClient(new Docker(endpoint.modem as Docker.DockerOptions), options.timeout);
  return new DockerInput(client, endpoint.label, options, log);
}
