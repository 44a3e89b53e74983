import { headers, type NatsConnection } from '@nats-io/transport-node';
import { retryLater, rejectBatch, written, type WriteResult } from '@vigil/core';
import type { NatsMessage } from './nats-messages.js';
import { describeNatsError } from './nats-errors.js';
import { abortable, type ServerConnection } from './server-connection.js';

/** How the messages of a batch reach the server; one for core NATS, one for JetStream. */
export interface Publisher {
  /** The headers each message carries. */
  headersOf(message: NatsMessage): Record<string, string>;
  /** Runs on each new connection before it is used. */
  onOpen(nc: NatsConnection): Promise<void>;
  publish(nc: NatsConnection, messages: NatsMessage[], lost: Promise<string>, signal: AbortSignal): Promise<WriteResult>;
}

export function natsHeaders(values: Record<string, string>) {
  const h = headers();
  for (const [name, value] of Object.entries(values)) h.set(name, value);
  return h;
}

/**
 * Core NATS: the batch is published, then a flush (PING/PONG) proves the server has processed
 * every message, so it has handed them to the subscribers connected at that moment. The
 * server keeps nothing: at most once at the broker. A write the connection was lost in is
 * retried in full, so a subscriber may see the first part of it twice.
 */
export class CorePublisher implements Publisher {
  constructor(private readonly connection: ServerConnection) {}

  headersOf(message: NatsMessage): Record<string, string> {
    // The same id JetStream deduplicates on, so a subscriber can drop a repeat itself.
    return { 'Nats-Msg-Id': message.id };
  }

  async onOpen(): Promise<void> {}

  async publish(nc: NatsConnection, messages: NatsMessage[], lost: Promise<string>, signal: AbortSignal): Promise<WriteResult> {
    const servers = this.connection.shownServers;
    const violations = this.connection.publishViolations;
    try {
      for (const m of messages) nc.publish(m.subject, m.payload, { headers: natsHeaders(this.headersOf(m)) });
      const lostFirst = lost.then((reason) => ({ lost: reason }));
      const outcome = await abortable(Promise.race([nc.flush().then(() => ({ lost: '' })), lostFirst]), signal);
      if (outcome.lost) return retryLater(outcome.lost);
    } catch (err) {
      return retryLater(`${servers}: ${describeNatsError(err)}`);
    }
    // The server refuses a publish it does not permit with an error, yet answers the flush:
    // the error arrives before the PONG and reaches the status stream within this turn.
    await new Promise((resolve) => setImmediate(resolve));
    const refused = this.connection.publishViolationsSince(violations);
    if (refused) return rejectBatch(`${servers}: ${refused}`);
    return written();
  }
}
