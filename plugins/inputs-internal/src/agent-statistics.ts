import type { Accumulator, Fields, StatsSnapshot } from '@vigil/core';

/** Counters are integers (`42i`), as Telegraf sends them; a ratio stays a float. */
function fieldsOf(counters: object): Fields {
  const fields: Fields = {};
  for (const [name, value] of Object.entries(counters)) {
    if (typeof value !== 'number') continue;
    fields[name] = name === 'buffer_fullness' ? value : BigInt(Math.trunc(value));
  }
  return fields;
}

/**
 * Telegraf's internal_agent, internal_gather (one per input), internal_processor (one per
 * processor) and internal_write (one per output), with the counters under the names the
 * statistics use.
 */
export function addAgentStatistics(acc: Accumulator, snapshot: StatsSnapshot, version: string, timestamp: number): void {
  acc.addFields('internal_agent', fieldsOf(snapshot.agent), { version, node_version: process.versions.node }, timestamp);
  for (const [name, entries] of Object.entries(snapshot.inputs)) {
    for (const { alias, ...counters } of entries) {
      acc.addFields('internal_gather', fieldsOf(counters), { input: name, version, ...(alias ? { alias } : {}) }, timestamp);
    }
  }
  for (const [name, entries] of Object.entries(snapshot.processors)) {
    for (const { alias, ...counters } of entries) {
      acc.addFields('internal_processor', fieldsOf(counters), { processor: name, version, ...(alias ? { alias } : {}) }, timestamp);
    }
  }
  for (const [name, entries] of Object.entries(snapshot.outputs)) {
    for (const { alias, ...counters } of entries) {
      acc.addFields('internal_write', fieldsOf(counters), { output: name, version, ...(alias ? { alias } : {}) }, timestamp);
    }
  }
}
