/**
 * A real mosquitto for tests, on free loopback ports, with a configuration file written here;
 * and a subscriber that records what it receives.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { freePort, requireTool, type TestCertificates } from '@vigil/core/testing';

const MOSQUITTO = requireTool('mosquitto', 'mosquitto');

export interface BrokerSetup {
  /** User name → password, written with mosquitto_passwd; anonymous clients are then refused. */
  users?: Record<string, string>;
  /** The text of an ACL file. */
  acl?: string;
  maxPacketSize?: number;
  /** Keep sessions and queued messages across a restart (written at a clean stop). */
  persistence?: boolean;
  websockets?: boolean;
  /** A TLS listener with these certificates, requiring a client certificate. */
  tls?: TestCertificates;
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export class TestBroker {
  private process?: ChildProcess;
  private exited?: Promise<void>;
  /** What mosquitto printed, for a failing test's message. */
  output = '';

  private constructor(
    readonly dir: string,
    readonly port: number,
    readonly wsPort: number | undefined,
    readonly tlsPort: number | undefined,
  ) {}

  static async start(setup: BrokerSetup = {}): Promise<TestBroker> {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-mosquitto-'));
    const broker = new TestBroker(dir, await freePort(), setup.websockets ? await freePort() : undefined, setup.tls ? await freePort() : undefined);
    const lines = [`user ${userInfo().username}`, 'log_dest stderr', 'log_type error', 'log_type warning', 'log_type notice', `listener ${broker.port} 127.0.0.1`];
    if (broker.wsPort) lines.push(`listener ${broker.wsPort} 127.0.0.1`, 'protocol websockets');
    if (broker.tlsPort && setup.tls) {
      lines.push(`listener ${broker.tlsPort} 127.0.0.1`, `cafile ${setup.tls.caFile}`, `certfile ${setup.tls.server.cert}`, `keyfile ${setup.tls.server.key}`, 'require_certificate true');
    }
    if (setup.users) {
      const file = join(dir, 'passwords');
      for (const [i, [user, password]] of Object.entries(setup.users).entries()) {
        execFileSync(requireTool('mosquitto_passwd', 'mosquitto'), [...(i === 0 ? ['-c'] : []), '-b', file, user, password], { stdio: 'ignore' });
      }
      lines.push('allow_anonymous false', `password_file ${file}`);
    } else {
      lines.push('allow_anonymous true');
    }
    if (setup.acl !== undefined) {
      writeFileSync(join(dir, 'acl'), setup.acl);
      lines.push(`acl_file ${join(dir, 'acl')}`);
    }
    if (setup.maxPacketSize) lines.push(`max_packet_size ${setup.maxPacketSize}`);
    if (setup.persistence) lines.push('persistence true', `persistence_location ${dir}/`);
    writeFileSync(join(dir, 'mosquitto.conf'), lines.join('\n') + '\n');
    await broker.run();
    return broker;
  }

  get url(): string {
    return `tcp://127.0.0.1:${this.port}`;
  }

  /** Starts mosquitto and resolves once every listener takes connections. */
  async run(): Promise<void> {
    const child = spawn(MOSQUITTO, ['-c', join(this.dir, 'mosquitto.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.process = child;
    child.stdout!.on('data', (d) => (this.output += d));
    child.stderr!.on('data', (d) => (this.output += d));
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    const until = Date.now() + 10_000;
    for (const port of [this.port, this.wsPort, this.tlsPort]) {
      if (port === undefined) continue;
      while (!(await canConnect(port))) {
        if (child.exitCode !== null || Date.now() > until) throw new Error(`mosquitto did not start on port ${port}:\n${this.output}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
  }

  /** A clean stop (SIGTERM): with persistence on, sessions and queued messages are saved. */
  async stop(): Promise<void> {
    if (!this.process || this.process.exitCode !== null) return;
    this.process.kill('SIGTERM');
    await this.exited;
  }

  async remove(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface ReceivedMessage {
  topic: string;
  payload: string;
  retain: boolean;
  qos: number;
}

/** A client subscribed to `topics` (QoS 2 unless told), recording every message. */
export class Subscriber {
  readonly messages: ReceivedMessage[] = [];
  private waiters: (() => void)[] = [];

  private constructor(readonly client: MqttClient) {
    client.on('message', (topic, payload, packet) => {
      this.messages.push({ topic, payload: payload.toString(), retain: packet.retain, qos: packet.qos });
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  static async connect(url: string, topics: string | string[], options: IClientOptions & { qos?: 0 | 1 | 2 } = {}): Promise<Subscriber> {
    const { qos = 2, ...clientOptions } = options;
    const client = await mqtt.connectAsync(url, { reconnectPeriod: 100, keepalive: 30, ...clientOptions });
    const subscriber = new Subscriber(client);
    await client.subscribeAsync(topics, { qos });
    return subscriber;
  }

  /** The payloads received on `topic`, in order. */
  on(topic: string): string[] {
    return this.messages.filter((m) => m.topic === topic).map((m) => m.payload);
  }

  /** Resolves once `predicate` holds for what arrived; rejects after `ms`, listing what did. */
  async until(predicate: (messages: ReceivedMessage[]) => boolean, ms = 10_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!predicate(this.messages)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out; received ${this.messages.length} messages: ${JSON.stringify(this.messages.slice(-5))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): Promise<void> {
    return this.client.endAsync(true);
  }
}
