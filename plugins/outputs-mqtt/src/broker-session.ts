import mqtt, { type IClientOptions, type IConnackPacket, type IDisconnectPacket, type MqttClient } from 'mqtt';
import { formatDuration, rejectBatch, retryLater, written, type Logger, type TlsFiles, type WriteResult } from '@vigil/core';
import type { BrokerServer } from './broker-address.js';
import { BrokerConnection, type ConnectionLoss } from './broker-connection.js';
import type { MqttMessage } from './message-layout.js';
import { connectionErrorText, reasonCodeText } from './mqtt-reasons.js';
import type { Qos } from './options.js';
import { reconnectDelayMs } from './reconnect-delay.js';

export interface Presence {
  topic: string;
  online: string;
  offline: string;
}

export interface SessionSettings {
  servers: BrokerServer[];
  protocolVersion: 4 | 5;
  clientId: string;
  keepAliveS: number;
  username: string;
  password: string;
  tls: TlsFiles;
  /** Bounds a connection attempt (to CONNACK) and the acknowledgements of one write. */
  timeoutMs: number;
  /** The QoS of data messages; it sets how many may be unacknowledged at once. */
  qos: Qos;
  will?: { topic: string; payload: string; retain: boolean };
  presence?: Presence;
}

/** Presence messages are QoS 1: the online and offline states must reach the broker. */
const PRESENCE_QOS = 1;
/** close() publishes the offline message and disconnects within this; the agent allows 2 s. */
const CLOSE_MS = 1_800;
const DISCONNECT_MS = 300;

interface ConnectWaiter {
  connected(): void;
  failed(): void;
}

/**
 * The output's link to its brokers. Connection attempts run in the background: each round tries
 * every server in order, and a failed round, or a lost connection, waits reconnectDelayMs()
 * (backoff with jitter) before the next. mqtt.js never reconnects by itself (reconnectPeriod
 * 0): every connection is a new MqttClient with an empty store, and a closed one is ended with
 * force, which fails what it still held. So no message is ever queued for "when the connection
 * is back": a write while disconnected, or cut short by a lost connection, is a retry, and the
 * agent's buffer (memory or disk) keeps the batch meanwhile.
 */
export class BrokerSession {
  private current?: BrokerConnection;
  private opening?: MqttClient;
  private loop?: Promise<void>;
  private closing = false;
  private wake?: () => void;
  private readonly waiters = new Set<ConnectWaiter>();
  /** The last failure, and the server it came from. */
  private failure?: { server: BrokerServer; reason: string };
  /** The last reason already shown in the log (or by a failed connect()), so it is not repeated. */
  private reported?: string;
  private lostAt?: number;
  private everConnected = false;
  private nextServer = 0;

  constructor(
    private readonly settings: SessionSettings,
    private readonly log: Logger,
  ) {}

  private get protocolName(): string {
    return this.settings.protocolVersion === 5 ? 'MQTT 5' : 'MQTT 3.1.1';
  }

  /**
   * Starts the background connection (once) and resolves when connected. Rejects, naming the
   * server and the reason, when a round of attempts fails or `timeoutMs` passes first; the
   * attempts go on in the background, and the agent calls again later.
   */
  connect(): Promise<void> {
    this.loop ??= this.maintain();
    if (this.current?.open) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter: ConnectWaiter = {
        connected: () => {
          settle();
          resolve();
        },
        failed: () => {
          settle();
          this.reported = this.failure?.reason;
          const server = this.failure?.server ?? this.settings.servers[this.nextServer];
          reject(new Error(`${server.shown}: ${this.failure?.reason ?? `no connection within ${formatDuration(this.settings.timeoutMs)}`}`));
        },
      };
      // A little past the attempt's own CONNACK timeout, so that its reason is the one given.
      const timer = setTimeout(() => waiter.failed(), this.settings.timeoutMs + 500);
      const settle = () => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
      };
      this.waiters.add(waiter);
    });
  }

  /**
   * Publishes one write's messages. Written once the broker has acknowledged every one at `qos`;
   * retried when not connected (at once, without waiting), when the connection is lost, on a
   * transient reason code, or past `timeoutMs` (then the connection is dropped and made anew,
   * since a broker that stops acknowledging is rarely alive); rejected when the broker refuses
   * a message for good, or one exceeds its Maximum Packet Size.
   */
  async publish(messages: MqttMessage[], retain: boolean, signal: AbortSignal): Promise<WriteResult> {
    const connection = this.current;
    const { qos } = this.settings;
    if (!connection?.open) return retryLater(this.notConnectedText());
    const at = connection.server.shown;
    const oversized = connection.oversized(messages, qos);
    if (oversized) {
      const what = oversized.limit === 65_535 ? `a topic of ${oversized.bytes} bytes` : `a message of ${oversized.bytes} bytes (topic "${oversized.message.topic}")`;
      return rejectBatch(`${at}: ${what} exceeds the broker's maximum of ${oversized.limit} bytes`);
    }
    const outcome = await connection.publishAll(messages, { qos, retain }, signal, this.settings.timeoutMs);
    const of = (unacknowledged: number) => `${unacknowledged} of ${messages.length} messages`;
    switch (outcome.kind) {
      case 'acknowledged':
        return written();
      case 'refused': {
        const reason = `${at} refused a message (topic "${outcome.topic}"): ${outcome.reason}`;
        return outcome.forGood ? rejectBatch(reason) : retryLater(reason);
      }
      case 'lost':
        if (outcome.loss.code !== undefined && isBatchFault(outcome.loss.code)) {
          return rejectBatch(`${at} closed the connection while taking this batch: ${reasonCodeText(outcome.loss.code)}`);
        }
        return retryLater(`${at}: connection lost (${outcome.loss.reason}) with ${of(outcome.unacknowledged)} unacknowledged`);
      case 'timeout':
        connection.destroy(`no acknowledgement within ${formatDuration(this.settings.timeoutMs)}`);
        return retryLater(`${at}: ${of(outcome.unacknowledged)} not acknowledged within ${formatDuration(this.settings.timeoutMs)} (timeout); reconnecting`);
      case 'abandoned':
        return retryLater(`${at}: abandoned: the write was cancelled by the agent`);
    }
  }

  /**
   * A clean stop: publishes the offline message (retained, replacing "online"), then sends
   * DISCONNECT so the broker discards the last will. No more attempts are made.
   */
  async close(): Promise<void> {
    this.closing = true;
    this.wake?.();
    this.opening?.end(true);
    const connection = this.current;
    const started = Date.now();
    if (connection?.open) {
      const presence = this.settings.presence;
      const outcome = presence
        ? await connection.publishAll([{ topic: presence.topic, payload: presence.offline }], { qos: PRESENCE_QOS, retain: true }, new AbortController().signal, CLOSE_MS - DISCONNECT_MS)
        : undefined;
      if (presence && outcome?.kind !== 'acknowledged') {
        // A DISCONNECT would make the broker discard the will and keep "online" for good.
        this.log.warn(`the offline message to "${presence.topic}" was not acknowledged; closing without a DISCONNECT, so that the broker publishes the last will instead`);
        connection.destroy('closed by the agent');
      } else {
        await connection.end(Math.max(50, CLOSE_MS - (Date.now() - started)));
      }
    }
    await this.loop;
  }

  /** Why a write cannot go now, naming the server tried last. */
  private notConnectedText(): string {
    const server = this.failure?.server ?? this.settings.servers[this.nextServer];
    return `${server.shown}: not connected (${this.failure?.reason ?? 'connecting'}); reconnecting in the background`;
  }

  private async maintain(): Promise<void> {
    let failedRounds = 0;
    while (!this.closing) {
      const connection = await this.tryEachServer();
      if (connection && this.closing) {
        await connection.end(DISCONNECT_MS);
        break;
      }
      if (connection) {
        failedRounds = 0;
        this.connected(connection);
        const loss = await connection.lost;
        this.current = undefined;
        if (this.closing) break;
        this.connectionLost(connection, loss);
      } else {
        failedRounds++;
        this.roundFailed();
      }
      if (this.closing) break;
      await this.sleep(reconnectDelayMs(failedRounds));
    }
  }

  /** One round: each server once, starting with the one that worked last. */
  private async tryEachServer(): Promise<BrokerConnection | undefined> {
    const { servers } = this.settings;
    for (let i = 0; i < servers.length && !this.closing; i++) {
      const index = (this.nextServer + i) % servers.length;
      try {
        const connection = await this.open(servers[index]);
        this.nextServer = index;
        return connection;
      } catch (err) {
        this.failure = { server: servers[index], reason: (err as Error).message };
      }
    }
    return undefined;
  }

  private connected(connection: BrokerConnection): void {
    this.current = connection;
    const { server } = connection;
    if (!this.everConnected) this.log.info(`connected to ${server.shown} (${this.protocolName}, client id "${this.settings.clientId}")`);
    else this.log.info(`reconnected to ${server.shown}${this.lostAt ? ` after ${formatDuration(Math.max(1, Date.now() - this.lostAt))}` : ''}`);
    this.everConnected = true;
    this.failure = undefined;
    this.reported = undefined;
    this.lostAt = undefined;
    const presence = this.settings.presence;
    if (presence) {
      void connection.publishAll([{ topic: presence.topic, payload: presence.online }], { qos: PRESENCE_QOS, retain: true }, new AbortController().signal, this.settings.timeoutMs).then((outcome) => {
        if (outcome.kind !== 'acknowledged' && connection.open) this.log.warn(`the online message to "${presence.topic}" was not acknowledged (${outcome.kind === 'refused' ? outcome.reason : outcome.kind})`);
      });
    }
    for (const waiter of [...this.waiters]) waiter.connected();
  }

  private connectionLost(connection: BrokerConnection, loss: ConnectionLoss): void {
    this.lostAt = Date.now();
    this.failure = { server: connection.server, reason: loss.reason };
    this.reported = loss.reason;
    this.log.warn(`connection to ${connection.server.shown} lost: ${loss.reason}; reconnecting in the background, writes are retried meanwhile`);
  }

  /**
   * A round failed. A connect() waiting is told (the agent logs it); otherwise the reason is
   * logged once, and again only when it changes.
   */
  private roundFailed(): void {
    const failure = this.failure!;
    const told = this.waiters.size > 0;
    for (const waiter of [...this.waiters]) waiter.failed();
    if (!told && failure.reason !== this.reported) {
      this.reported = failure.reason;
      this.log.warn(`${failure.server.shown}: ${failure.reason}; ${this.everConnected ? 'still reconnecting' : 'still trying to connect'}`);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  private clientOptions(server: BrokerServer): IClientOptions {
    const s = this.settings;
    const options: IClientOptions = {
      protocol: server.transport,
      host: server.host,
      hostname: server.host,
      port: server.port,
      path: server.path,
      protocolVersion: s.protocolVersion,
      clientId: s.clientId,
      clean: true,
      keepalive: s.keepAliveS,
      connectTimeout: s.timeoutMs,
      // The agent's buffer does the queueing and the retrying; see the class comment.
      reconnectPeriod: 0,
      queueQoSZero: false,
      resubscribe: false,
    };
    if (s.username) options.username = s.username;
    if (s.password) options.password = s.password;
    if (s.will) options.will = { topic: s.will.topic, payload: Buffer.from(s.will.payload), qos: PRESENCE_QOS, retain: s.will.retain };
    if (server.transport === 'mqtts' || server.transport === 'wss') {
      options.rejectUnauthorized = s.tls.rejectUnauthorized;
      if (s.tls.ca) options.ca = s.tls.ca;
      if (s.tls.cert) options.cert = s.tls.cert;
      if (s.tls.key) options.key = s.tls.key;
    }
    return options;
  }

  /** One attempt: resolves at CONNACK, rejects with the reason when the connection closes first. */
  private open(server: BrokerServer): Promise<BrokerConnection> {
    return new Promise((resolve, reject) => {
      const client = mqtt.connect(this.clientOptions(server));
      this.opening = client;
      let lastError: unknown;
      let disconnectCode: number | undefined;
      let connection: BrokerConnection | undefined;
      client.on('error', (err) => (lastError = err));
      client.on('disconnect', (packet: IDisconnectPacket) => (disconnectCode = packet.reasonCode));
      client.once('connect', (connack: IConnackPacket) => {
        if (this.opening === client) this.opening = undefined;
        connection = new BrokerConnection(client, server, this.settings.protocolVersion, connack, this.settings.qos);
        resolve(connection);
      });
      client.once('close', () => {
        if (this.opening === client) this.opening = undefined;
        const reason = disconnectCode
          ? `the broker closed the connection: ${reasonCodeText(disconnectCode)}`
          : connectionErrorText(lastError, this.settings.protocolVersion, this.settings.timeoutMs);
        if (connection) connection.markLost({ reason, code: disconnectCode });
        else reject(new Error(reason));
        // Ending with force fails whatever mqtt.js still holds for this socket, instead of
        // keeping it to resend on a reconnect that never comes.
        setImmediate(() => client.end(true));
      });
    });
  }
}

/** DISCONNECT reason codes that blame what was just published (MQTT 5). */
function isBatchFault(code: number): boolean {
  return code === 0x90 || code === 0x95 || code === 0x99 || code === 0x9a || code === 0x9b || code === 0x87;
}
