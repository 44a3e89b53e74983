import { jetstream, type JetStreamClient, type PubAck } from '@nats-io/jetstream';
import { errors, type NatsConnection } from '@nats-io/transport-node';
import { formatDuration, rejectBatch, retryLater, written, type Logger, type WriteResult } from '@vigil/core';
import { natsHeaders, type Publisher } from './core-publisher.js';
import type { NatsMessage } from './nats-messages.js';
import { describeNatsError, isNoStreamError, isPermanentApiError, permissionReason, publishPermissionError } from './nats-errors.js';
import type { JetStreamOptions } from './options.js';
import { abortable } from './server-connection.js';
import type { StreamSetup } from './stream-setup.js';

type Outcome = { ack: PubAck } | { error: unknown };

/**
 * JetStream: a batch is written once the stream has acknowledged every message. Each message
 * carries `Nats-Msg-Id` (stable across retries, restarts and kill -9 with a disk buffer), so
 * the stream stores a message sent again within its duplicate window once, and acknowledges it
 * as a duplicate, which counts as written. `Nats-Expected-Stream` makes a subject captured by
 * another stream an error instead of a silent write elsewhere.
 */
export class JetStreamPublisher implements Publisher {
  private readonly clients = new WeakMap<NatsConnection, JetStreamClient>();

  constructor(
    private readonly o: JetStreamOptions,
    private readonly stream: StreamSetup,
    private readonly log: Logger,
    private readonly shownServers: string,
  ) {}

  headersOf(message: NatsMessage): Record<string, string> {
    return { 'Nats-Msg-Id': message.id, 'Nats-Expected-Stream': this.o.name };
  }

  async onOpen(nc: NatsConnection): Promise<void> {
    this.stream.ready = false;
    await this.stream.ensure(nc, this.o.async_ack_timeout);
  }

  async publish(nc: NatsConnection, messages: NatsMessage[], lost: Promise<string>, signal: AbortSignal): Promise<WriteResult> {
    if (!this.stream.ready) {
      try {
        await abortable(this.stream.ensure(nc, this.o.async_ack_timeout), signal);
      } catch (err) {
        return retryLater(`${this.shownServers}: stream "${this.o.name}": ${describeNatsError(err)}`);
      }
    }
    const js = this.clientFor(nc);
    const lostFirst = lost.then((reason) => ({ lost: reason }));
    let outcomes: Outcome[];
    try {
      if (this.o.async_publish) {
        const all = Promise.all(messages.map((m) => this.publishOne(js, m)));
        const first = await abortable(Promise.race([all.then((o) => ({ outcomes: o })), lostFirst]), signal);
        if ('lost' in first) return retryLater(first.lost);
        outcomes = first.outcomes;
      } else {
        outcomes = [];
        for (const m of messages) {
          const next = await abortable(Promise.race([this.publishOne(js, m).then((o) => ({ outcome: o })), lostFirst]), signal);
          if ('lost' in next) return retryLater(next.lost);
          outcomes.push(next.outcome);
          // In turn, the first failure ends the batch: the rest would be sent again anyway.
          if ('error' in next.outcome) break;
        }
      }
    } catch (err) {
      return retryLater((err as Error).message);
    }
    return this.resultOf(messages, outcomes);
  }

  private publishOne(js: JetStreamClient, m: NatsMessage): Promise<Outcome> {
    return js.publish(m.subject, m.payload, { headers: natsHeaders(this.headersOf(m)), timeout: this.o.async_ack_timeout }).then(
      (ack) => ({ ack }),
      (error: unknown) => ({ error }),
    );
  }

  private clientFor(nc: NatsConnection): JetStreamClient {
    let js = this.clients.get(nc);
    if (!js) this.clients.set(nc, (js = jetstream(nc, { timeout: this.o.async_ack_timeout })));
    return js;
  }

  private resultOf(messages: NatsMessage[], outcomes: Outcome[]): WriteResult {
    const name = this.o.name;
    const failed = outcomes.map((o, i) => ('error' in o ? { error: o.error, message: messages[i] } : undefined)).filter((f) => f !== undefined);
    const refused = failed.find((f) => publishPermissionError(f.error));
    if (refused) return rejectBatch(`${this.shownServers}: ${permissionReason(refused.message.subject)}`);
    const permanent = failed.find((f) => isPermanentApiError(f.error));
    if (permanent) return rejectBatch(`stream "${name}" refused a message on "${permanent.message.subject}": ${describeNatsError(permanent.error)}`);
    const noStream = failed.find((f) => isNoStreamError(f.error));
    if (noStream) {
      const subject = noStream.message.subject;
      if (this.o.disable_stream_creation) {
        return rejectBatch(`no stream captures subject "${subject}" (disable_stream_creation = true: create stream "${name}" with this subject, or let vigil create it)`);
      }
      this.stream.ready = false;
      return retryLater(`no stream captured subject "${subject}"; stream "${name}" is set up again before the next try`);
    }
    if (failed.length > 0) {
      const first = failed[0].error;
      const why = first instanceof errors.TimeoutError ? `no acknowledgement within ${formatDuration(this.o.async_ack_timeout)} (async_ack_timeout)` : describeNatsError(first);
      const unacknowledged = messages.length - (outcomes.length - failed.length);
      return retryLater(`stream "${name}": ${unacknowledged} of ${messages.length} messages not acknowledged: ${why}`);
    }
    const duplicates = outcomes.filter((o) => 'ack' in o && o.ack.duplicate).length;
    if (duplicates > 0) {
      this.log.info(`${duplicates} of ${messages.length} messages were already in stream "${name}" (sent before a retry or a restart); the stream kept one copy of each`);
    }
    return written();
  }
}
