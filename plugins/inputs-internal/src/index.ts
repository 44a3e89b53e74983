import { defineInput, readSample } from '@vigil/core';
import { addAgentStatistics } from './agent-statistics.js';
import { ProcessMemstats } from './process-memstats.js';

export interface InternalOptions {
  collect_memstats: boolean;
}

export default defineInput<InternalOptions>({
  name: 'internal',
  description: "The agent's own statistics under Telegraf's names: internal_agent, internal_gather, internal_processor, internal_write, internal_memstats",
  sample: readSample(import.meta.url),
  schema: {
    type: 'object',
    properties: {
      collect_memstats: { type: 'boolean', default: true, description: 'Also send internal_memstats: heap, resident memory and event-loop delay of the vigil process.' },
    },
  },
  create(ctx) {
    const memstats = ctx.options.collect_memstats ? new ProcessMemstats() : undefined;
    return {
      // Measuring the event loop starts with the agent, so the first gather covers a real span.
      start() {
        memstats?.start();
      },
      gather(acc) {
        const timestamp = Date.now();
        addAgentStatistics(acc, ctx.stats.snapshot(), ctx.agent.version, timestamp);
        if (memstats) acc.addFields('internal_memstats', memstats.read(), {}, timestamp);
      },
      stop() {
        memstats?.stop();
      },
    };
  },
});
