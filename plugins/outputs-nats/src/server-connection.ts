import { connect, errors, type NatsConnection, type NodeConnectionOptions } from '@nats-io/transport-node';
import type { Logger } from '@vigil/core';
import { describeNatsError, permissionReason } from './nats-errors.js';
import { ReconnectDelay } from './reconnect-delay.js';

/** A connection usable now, or why there is none. */
export type Usable = { nc: NatsConnection; lost: Promise<string> } | { reason: string };

/**
 * The connection to the NATS servers. `open()` makes it; from then on the client keeps it up in
 * the background (reconnecting forever, with ReconnectDelay's backoff and jitter) while writes
 * are told at once that it is down. Should the client give up (it does after the same
 * authentication error twice in a row), the next write opens a new one.
 *
 * Transitions are logged once each (lost, back, given up); failed tries are not, since the
 * agent logs every failed write with its reason.
 */
export class ServerConnection {
  private nc?: NatsConnection;
  private opening?: Promise<NatsConnection>;
  private up = false;
  /** Resolves with a reason when the current connection is lost; replaced on each reconnect. */
  private lost = deferred<string>();
  private lastError = '';
  private closing = false;
  /** Publishes the server refused for want of permission, counted; and the last one's reason. */
  publishViolations = 0;
  private lastViolation = '';
  private readonly delay = new ReconnectDelay();
  private readonly options: NodeConnectionOptions;

  constructor(
    options: NodeConnectionOptions,
    /** The configured servers as a reason shows them. */
    readonly shownServers: string,
    private readonly authMethod: string,
    private readonly log: Logger,
    /** Runs on every new connection (not on reconnects of the client), before it counts as open. */
    private readonly onOpen: (nc: NatsConnection) => Promise<void> = async () => {},
  ) {
    this.options = { ...options, reconnectDelayHandler: () => this.delay.nextWaitMs() };
  }

  /** Opens a connection unless one is open; throws an Error whose message names the servers. */
  open(): Promise<NatsConnection> {
    if (this.nc && !this.nc.isClosed()) return Promise.resolve(this.nc);
    this.opening ??= (async () => {
      let nc: NatsConnection | undefined;
      try {
        nc = await connect(this.options);
        this.watch(nc);
        await this.onOpen(nc);
        this.nc = nc;
        return nc;
      } catch (err) {
        await nc?.close().catch(() => {});
        throw new Error(`${this.shownServers}: ${describeNatsError(err, this.authMethod)}`);
      } finally {
        this.opening = undefined;
      }
    })();
    return this.opening;
  }

  /**
   * The connection if it is up; else, if the client gave up (or none was opened), one new try
   * bounded by `signal`; else, while the client reconnects, the reason at once.
   */
  async usable(signal: AbortSignal): Promise<Usable> {
    if (this.closing) return { reason: `${this.shownServers}: the output is closing` };
    if (this.nc && !this.nc.isClosed()) {
      if (this.up) return { nc: this.nc, lost: this.lost.promise };
      return { reason: `${this.shownServers}: not connected (${this.lastError || 'connection lost'}); reconnecting in the background` };
    }
    try {
      const nc = await abortable(this.open(), signal);
      return { nc, lost: this.lost.promise };
    } catch (err) {
      return { reason: (err as Error).message };
    }
  }

  /** The reason of the last publish the server refused, if any was refused since the count was `count`. */
  publishViolationsSince(count: number): string | undefined {
    return this.publishViolations > count ? this.lastViolation : undefined;
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.opening?.catch(() => {});
    await this.nc?.close();
  }

  private watch(nc: NatsConnection): void {
    this.up = true;
    this.lost = deferred<string>();
    this.lastError = '';
    this.delay.reconnected();
    void (async () => {
      for await (const status of nc.status()) {
        switch (status.type) {
          case 'disconnect':
            this.up = false;
            this.lost.resolve(`${this.shownServers}: connection to ${status.server} lost`);
            if (!this.closing) this.log.warn(`lost the connection to ${status.server}; reconnecting in the background`);
            break;
          case 'reconnecting':
            this.delay.tried();
            break;
          case 'reconnect':
            this.up = true;
            this.lost = deferred<string>();
            this.lastError = '';
            this.delay.reconnected();
            this.log.info(`reconnected to ${status.server}`);
            break;
          case 'error':
            if (status.error instanceof errors.PermissionViolationError && status.error.operation === 'publish') {
              this.publishViolations++;
              this.lastViolation = permissionReason(status.error.subject);
            } else this.lastError = describeNatsError(status.error, this.authMethod);
            break;
        }
      }
    })();
    void nc.closed().then((err) => {
      this.up = false;
      this.lost.resolve(`${this.shownServers}: connection closed`);
      if (err && !this.closing) this.log.error(`${this.shownServers}: ${describeNatsError(err, this.authMethod)}; the client gave up reconnecting, the next write connects again`);
    });
  }
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** `promise`, or a rejection as soon as `signal` aborts. */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new Error('abandoned: the write was cancelled by the agent'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Error('abandoned: the write was cancelled by the agent'));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
