import { jetstreamManager, type StreamConfig } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from '@vigil/core';
import { isStreamNotFound } from './nats-errors.js';
import { goDurationNanos, type JetStreamOptions } from './options.js';
import { subjectCovers } from './subject-template.js';

/**
 * Makes sure the stream exists and captures the output's subject, on each new connection and
 * again whenever a publish found no stream: created when missing, the subject added when the
 * stream lacks it, nothing else of an existing stream changed (several agents, or an operator,
 * may share it). With `disable_stream_creation` nothing is changed and a missing stream is
 * warned about once; its writes are then rejected.
 */
export class StreamSetup {
  /** False until checked on this connection, and after a publish found no stream. */
  ready = false;
  private warned = '';

  constructor(
    private readonly o: JetStreamOptions,
    /** The subject pattern of the output (`subject` with each template token as `*`). */
    private readonly capture: string,
    private readonly log: Logger,
  ) {}

  /** The stream's subjects when this output creates it. */
  get subjects(): string[] {
    const subjects = [...this.o.subjects];
    if (!subjects.some((s) => subjectCovers(s, this.capture))) subjects.push(this.capture);
    return subjects;
  }

  config(): Partial<StreamConfig> & { name: string } {
    return {
      name: this.o.name,
      subjects: this.subjects,
      storage: this.o.storage,
      retention: this.o.retention,
      discard: this.o.discard,
      max_age: goDurationNanos(this.o.max_age) ?? 0,
      max_bytes: this.o.max_bytes,
      duplicate_window: goDurationNanos(this.o.duplicate_window) ?? 120e9,
    };
  }

  /** Throws an Error with a one-line reason when JetStream cannot be asked or the stream cannot be set up. */
  async ensure(nc: NatsConnection, timeoutMs: number): Promise<void> {
    const name = this.o.name;
    const jsm = await jetstreamManager(nc, { timeout: timeoutMs }).catch((err: Error) => {
      throw new Error(`JetStream is not available: ${err.message}`);
    });
    const info = await jsm.streams.info(name).catch((err: unknown) => {
      if (isStreamNotFound(err)) return undefined;
      throw err;
    });
    if (!info) {
      if (this.o.disable_stream_creation) {
        this.warnOnce(`stream "${name}" does not exist and disable_stream_creation = true: writes are rejected until it is created`);
      } else {
        await jsm.streams.add(this.config());
        this.log.info(`created stream "${name}" for subjects ${this.subjects.join(', ')}`);
      }
    } else if (!info.config.subjects?.some((s) => subjectCovers(s, this.capture))) {
      if (this.o.disable_stream_creation) {
        this.warnOnce(`stream "${name}" does not capture subject "${this.capture}" and disable_stream_creation = true: writes to it are rejected until it does`);
      } else {
        // A stream may not hold overlapping subjects: those the new pattern covers give way to it.
        const subjects = [...(info.config.subjects ?? []).filter((s) => !subjectCovers(this.capture, s)), this.capture];
        await jsm.streams.update(name, { ...info.config, subjects });
        this.log.info(`added subject "${this.capture}" to stream "${name}"`);
      }
    }
    this.ready = true;
  }

  private warnOnce(message: string): void {
    if (this.warned === message) return;
    this.warned = message;
    this.log.warn(message);
  }
}
