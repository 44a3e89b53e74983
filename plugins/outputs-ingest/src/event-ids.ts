import { parse, v5 } from 'uuid';

/**
 * vigil's own UUIDv5 namespace: the same name always gives the same id, on any host. Parsed
 * once: v5 parses a namespace given as text at every call, which halves its speed.
 */
const NAMESPACE = parse('6f1d3c2e-8a4b-5c7d-9e0f-1a2b3c4d5e6f');

/**
 * The Idempotency-Key of a batch: a hash of the batch id the core keeps with the batch (on
 * disk with a disk buffer), so every retry, restart or kill -9 sends the same key.
 */
export function idempotencyKey(batchId: string): string {
  return v5(`batch:${batchId}`, NAMESPACE);
}

/**
 * The key of one half of a batch the gateway found too large (413): from the batch key and the
 * ids of the half's events, so a key never names other events, even when the batch is made
 * again after a restart with other rules or another policy.
 */
export function halfKey(key: string, eventIds: string[]): string {
  return v5(`${key}/${eventIds.join(',')}`, NAMESPACE);
}

/** An event's id, from the stable id of the item it was made from and its type. */
export function eventId(itemId: string, type: string): string {
  return v5(`event:${itemId}:${type}`, NAMESPACE);
}

/** Any other stable id made from a name (an agent id, a heartbeat's key). */
export function nameId(name: string): string {
  return v5(name, NAMESPACE);
}
