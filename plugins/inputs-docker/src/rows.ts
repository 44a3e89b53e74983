import type { Fields, Tags } from '@vigil/core';

/** One metric of a container before the container's own tags are added. */
export interface Row {
  measurement: string;
  /** Tags particular to this row (cpu, network, device). */
  tags: Tags;
  fields: Fields;
}

/** An integer field: the engine's counters are whole numbers, sent as JSON numbers. */
export function int(value: number): bigint {
  return BigInt(Math.trunc(value));
}
