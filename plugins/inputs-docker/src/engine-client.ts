import Docker from 'dockerode';
import { EngineTimeout } from './engine-errors.js';
import type { ContainerSummary, EngineEvent, EngineInfo, InspectResult, StatsResult } from './engine-types.js';

/**
 * The few engine calls a gather makes. Each is bounded by the `timeout` option and by the
 * gather's own signal (aborted when the agent gives up on the gather or stops).
 */
export class EngineClient {
  constructor(
    private readonly docker: Docker,
    private readonly timeoutMs: number,
  ) {}

  private async call<T>(signal: AbortSignal, request: (abortSignal: AbortSignal) => Promise<T>): Promise<T> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    try {
      return await request(AbortSignal.any([signal, timeout]));
    } catch (err) {
      if (timeout.aborted && !signal.aborted) throw new EngineTimeout('timeout');
      throw err;
    }
  }

  info(signal: AbortSignal): Promise<EngineInfo> {
    // dockerode 4 takes options (and so a signal) for info(); @types/dockerode does not say so yet.
    const info = this.docker.info.bind(this.docker) as unknown as (options: { abortSignal: AbortSignal }) => Promise<EngineInfo>;
    return this.call(signal, (abortSignal) => info({ abortSignal }));
  }

  listContainers(signal: AbortSignal): Promise<ContainerSummary[]> {
    return this.call(signal, (abortSignal) => this.docker.listContainers({ all: true, abortSignal }) as Promise<ContainerSummary[]>);
  }

  inspect(id: string, signal: AbortSignal): Promise<InspectResult> {
    return this.call(signal, (abortSignal) => this.docker.getContainer(id).inspect({ abortSignal }) as Promise<InspectResult>);
  }

  /**
   * One stats sample. `oneShot` answers at once without a previous CPU sample; otherwise the
   * engine waits for its next sampling tick (about a second) to fill `precpu_stats`.
   */
  stats(id: string, oneShot: boolean, signal: AbortSignal): Promise<StatsResult> {
    return this.call(signal, (abortSignal) => {
      const options = { stream: false as const, 'one-shot': oneShot, abortSignal };
      return this.docker.getContainer(id).stats(options) as Promise<StatsResult>;
    });
  }

  /** Container `die` and `oom` events between two engine times ("seconds.nanoseconds"); never waits for new ones. */
  async exitEvents(since: string, until: string, signal: AbortSignal): Promise<EngineEvent[]> {
    const body = await this.call(signal, async (abortSignal) => {
      // The engine takes "seconds.nanoseconds" strings; the typings only know whole seconds.
      const options = { since, until, filters: { type: ['container'], event: ['die', 'oom'] }, abortSignal };
      const stream = await this.docker.getEvents(options as unknown as Docker.GetEventsOptions);
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
      return Buffer.concat(chunks).toString();
    });
    return body
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as EngineEvent);
  }
}
