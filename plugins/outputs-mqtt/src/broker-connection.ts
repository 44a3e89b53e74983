import type { IClientPublishOptions, IConnackPacket, MqttClient } from 'mqtt';
import type { BrokerServer } from './broker-address.js';
import type { MqttMessage } from './message-layout.js';
import { isRefusedForGood, reasonCodeText } from './mqtt-reasons.js';

/** Why a connection ended; `code` is the reason code of a DISCONNECT the broker sent (MQTT 5). */
export interface ConnectionLoss {
  reason: string;
  code?: number;
}

/** How one publishAll ended. */
export type PublishOutcome =
  | { kind: 'acknowledged' }
  /** The broker answered a message with a reason code: for good (`forGood`), or for now. */
  | { kind: 'refused'; forGood: boolean; reason: string; topic: string }
  | { kind: 'lost'; loss: ConnectionLoss; unacknowledged: number }
  | { kind: 'timeout'; unacknowledged: number }
  | { kind: 'abandoned'; unacknowledged: number };

/**
 * Unacknowledged messages allowed at once. An MQTT 5 broker says how many it takes (Receive
 * Maximum: 20 for mosquitto, which answers "quota exceeded" to one more). MQTT 3.1.1 has no
 * such figure, and mosquitto acknowledges a QoS 2 message beyond its max_inflight_messages (20)
 * and then drops it without a word; so 3.1.1 at QoS 2 keeps to that default.
 */
export const MAX_IN_FLIGHT = 100;
export const MAX_IN_FLIGHT_QOS2_MQTT3 = 20;

export function inFlightWindow(protocolVersion: 4 | 5, qos: number, receiveMaximum: number | undefined): number {
  if (protocolVersion === 5) return Math.max(1, Math.min(MAX_IN_FLIGHT, receiveMaximum ?? MAX_IN_FLIGHT));
  return qos === 2 ? MAX_IN_FLIGHT_QOS2_MQTT3 : MAX_IN_FLIGHT;
}

/** Bytes of a PUBLISH packet as mqtt-packet writes it (MQTT 5: with an empty property list). */
export function publishPacketSize(topicBytes: number, payloadBytes: number, qos: number, protocolVersion: 4 | 5): number {
  const remaining = 2 + topicBytes + (qos > 0 ? 2 : 0) + (protocolVersion === 5 ? 1 : 0) + payloadBytes;
  const lengthBytes = remaining < 128 ? 1 : remaining < 16_384 ? 2 : remaining < 2_097_152 ? 3 : 4;
  return 1 + lengthBytes + remaining;
}

/**
 * One network connection to a broker, from its CONNACK to its close, and the messages published
 * on it. It never outlives its socket: once closed it publishes nothing more (mqtt.js would keep
 * such messages to resend after a reconnect; here the agent's buffer does the resending).
 */
export class BrokerConnection {
  /** Resolves once, when the connection has closed. */
  readonly lost: Promise<ConnectionLoss>;
  /** The broker's Maximum Packet Size (MQTT 5), when it sets one. */
  readonly maxPacketSize?: number;
  readonly window: number;
  readonly connectedAt = Date.now();
  private loss?: ConnectionLoss;
  private resolveLost!: (loss: ConnectionLoss) => void;
  private readonly lossWatchers = new Set<(loss: ConnectionLoss) => void>();
  private inFlight = 0;
  private readonly slotWaiters = new Set<() => void>();

  constructor(
    readonly client: MqttClient,
    readonly server: BrokerServer,
    readonly protocolVersion: 4 | 5,
    connack: IConnackPacket,
    qos: number,
  ) {
    this.lost = new Promise((resolve) => (this.resolveLost = resolve));
    this.maxPacketSize = connack.properties?.maximumPacketSize;
    this.window = inFlightWindow(protocolVersion, qos, connack.properties?.receiveMaximum);
  }

  get open(): boolean {
    return this.loss === undefined;
  }

  /** The socket closed: every publish waiting on it ends now, as lost. The first reason given wins. */
  markLost(loss: ConnectionLoss): void {
    if (this.loss) return;
    this.loss = loss;
    for (const watch of [...this.lossWatchers]) watch(loss);
    this.resolveLost(loss);
  }

  /** Closes the socket at once (no DISCONNECT, so the broker publishes the will). */
  destroy(reason: string): void {
    this.markLost({ reason });
    this.client.end(true);
  }

  /** Sends DISCONNECT (the broker drops the will) and closes; forced after `ms`. */
  end(ms: number): Promise<void> {
    if (!this.open) {
      this.client.end(true);
      return Promise.resolve();
    }
    this.markLost({ reason: 'closed by the agent' });
    // mqtt.js would hold the DISCONNECT until every message still unacknowledged is; those
    // belong to writes already given up on (their batches stay in the agent's buffer).
    for (const id of Object.keys(this.client.outgoing)) this.client.removeOutgoingMessage(Number(id));
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.client.end(true);
        resolve();
      }, ms);
      this.client.end(false, {}, () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** The first message the broker could not take for its size (or a topic beyond MQTT's 65535 bytes). */
  oversized(messages: MqttMessage[], qos: number): { message: MqttMessage; bytes: number; limit: number } | undefined {
    for (const message of messages) {
      const topicBytes = Buffer.byteLength(message.topic);
      if (topicBytes > 65_535) return { message, bytes: topicBytes, limit: 65_535 };
      if (this.maxPacketSize === undefined) continue;
      const bytes = publishPacketSize(topicBytes, Buffer.byteLength(message.payload), qos, this.protocolVersion);
      if (bytes > this.maxPacketSize) return { message, bytes, limit: this.maxPacketSize };
    }
    return undefined;
  }

  /**
   * Publishes `messages` in order, at most `window` unacknowledged at a time (shared with any
   * other publish on this connection), and resolves when the broker has acknowledged them all
   * (QoS 1: PUBACK, QoS 2: PUBCOMP; QoS 0: each was written to the socket), when it answers one
   * with an error reason code (MQTT 5), when the connection closes, when `signal` aborts, or
   * after `timeoutMs`. Nothing is published after the first error.
   */
  publishAll(messages: MqttMessage[], options: IClientPublishOptions, signal: AbortSignal, timeoutMs: number): Promise<PublishOutcome> {
    if (this.loss) return Promise.resolve({ kind: 'lost', loss: this.loss, unacknowledged: messages.length });
    return new Promise((resolve) => {
      let sent = 0;
      let acknowledged = 0;
      let settled = false;
      let pumping = false;
      const finish = (outcome: PublishOutcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        this.lossWatchers.delete(onLoss);
        this.slotWaiters.delete(pump);
        resolve(outcome);
      };
      const onLoss = (loss: ConnectionLoss) => finish({ kind: 'lost', loss, unacknowledged: messages.length - acknowledged });
      const onAbort = () => finish({ kind: 'abandoned', unacknowledged: messages.length - acknowledged });
      const timer = setTimeout(() => finish({ kind: 'timeout', unacknowledged: messages.length - acknowledged }), timeoutMs);
      const acknowledge = (message: MqttMessage) => (err?: Error & { code?: unknown }) => {
        this.releaseSlot();
        if (settled) return;
        if (err) {
          if (typeof err.code === 'number') {
            finish({ kind: 'refused', forGood: isRefusedForGood(err.code), reason: reasonCodeText(err.code), topic: message.topic });
          } else if (this.loss) {
            onLoss(this.loss);
          } else {
            // "client disconnecting" and the like: this socket is on its way out.
            finish({ kind: 'lost', loss: { reason: err.message }, unacknowledged: messages.length - acknowledged });
          }
          return;
        }
        if (++acknowledged === messages.length) finish({ kind: 'acknowledged' });
        else pump();
      };
      // QoS 0 acknowledges synchronously, from inside publish(): the loop below then just goes on.
      const pump = () => {
        if (pumping) return;
        pumping = true;
        try {
          while (!settled && sent < messages.length) {
            // mqtt.js would store a publish on a client that is not connected, to send later.
            if (this.loss || !this.client.connected) return onLoss(this.loss ?? { reason: 'connection closed' });
            if (this.inFlight >= this.window) {
              this.slotWaiters.add(pump);
              return;
            }
            const message = messages[sent++];
            this.inFlight++;
            this.client.publish(message.topic, message.payload, options, acknowledge(message));
          }
        } finally {
          pumping = false;
        }
      };
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      this.lossWatchers.add(onLoss);
      pump();
    });
  }

  private releaseSlot(): void {
    this.inFlight--;
    const [next] = this.slotWaiters;
    if (next) {
      this.slotWaiters.delete(next);
      next();
    }
  }
}
