import type { ContainerMemory } from './container-memory.js';
import type { EngineClient } from './engine-client.js';
import { unixTimestamp } from './engine-time.js';

/**
 * Follows the engine's `die` and `oom` events from one gather to the next, so that a container
 * restarted between two gathers still reports why it stopped. The first window starts at the
 * engine's earliest kept event (it keeps the last 256 or so).
 */
export class ExitEvents {
  private since = '0';
  private previousWindow = new Set<string>();

  /** Reads the events up to `untilNs` (the engine's clock) into what `memory` keeps per container. */
  async follow(client: EngineClient, untilNs: bigint, memory: ContainerMemory, signal: AbortSignal): Promise<void> {
    const until = unixTimestamp(untilNs);
    const events = await client.exitEvents(this.since, until, signal);
    const window = new Set<string>();
    for (const event of events) {
      const id = event.Actor?.ID ?? event.id;
      if (!id) continue;
      // Windows share their boundary instant; an event seen last time is not counted twice.
      const key = `${event.timeNano}/${id}/${event.Action}`;
      window.add(key);
      if (this.previousWindow.has(key)) continue;
      const remembered = memory.of(id);
      if (event.Action === 'oom') {
        remembered.oomPending = true;
      } else if (event.Action === 'die') {
        remembered.exitReason = remembered.oomPending ? 'OOMKilled' : `exit code ${event.Actor?.Attributes?.exitCode ?? 'unknown'}`;
        remembered.oomPending = false;
      }
    }
    this.previousWindow = window;
    this.since = until;
  }
}
