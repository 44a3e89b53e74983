/**
 * A real nats-server for tests, on a free port of 127.0.0.1 with its own store directory, and a
 * client to look at what it received. Ready once a client could connect, not after a sleep.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { checkServerIdentity, type PeerCertificate } from 'node:tls';
import { join } from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { freePort, requireTool } from '@vigil/core/testing';

export interface NatsServerOptions {
  user?: string;
  pass?: string;
  /** A server configuration file's text (for nkey users, permissions, TLS). */
  config?: string;
  /** Credentials of a user of `config`, for the test's own client. */
  client?: { user: string; pass: string };
  /** Extra command-line arguments (`--auth TOKEN`, `--tls` …). */
  args?: string[];
  /** The CA (PEM text) the test's own client trusts, for a server that speaks TLS. */
  clientCa?: string;
  /** Run without JetStream. */
  noJetStream?: boolean;
}

export interface StoredMessage {
  subject: string;
  data: string;
  msgId: string | undefined;
}

const running = new Set<NatsServer>();

/** Stops whatever a failed test left running. */
export async function stopAllNatsServers(): Promise<void> {
  await Promise.all([...running].map((s) => s.remove()));
}

export class NatsServer {
  private child?: ChildProcess;
  private exited?: Promise<void>;
  private stderr = '';

  private constructor(
    readonly port: number,
    readonly dir: string,
    /** Read at each launch: change them to restart the server with other credentials. */
    readonly options: NatsServerOptions,
  ) {}

  static async start(options: NatsServerOptions = {}): Promise<NatsServer> {
    const server = new NatsServer(await freePort(), mkdtempSync(join(tmpdir(), 'vigil-nats-')), options);
    running.add(server);
    await server.launch();
    return server;
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  get pid(): number {
    return this.child!.pid!;
  }

  /** Starts the server (again: same port, same store directory) and waits until a client gets in. */
  async launch(): Promise<void> {
    const args = ['-a', '127.0.0.1', '-p', String(this.port), ...(this.options.noJetStream ? [] : ['-js', '-sd', join(this.dir, 'store')])];
    if (this.options.user) args.push('--user', this.options.user, '--pass', this.options.pass ?? '');
    args.push(...(this.options.args ?? []));
    if (this.options.config) {
      const file = join(this.dir, 'server.conf');
      writeFileSync(file, this.options.config);
      args.push('-c', file);
    }
    this.stderr = '';
    const child = spawn(requireTool('nats-server', 'nats-server'), args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let failed: Error | undefined;
    child.once('error', (err) => (failed = err));
    child.stderr!.on('data', (d) => (this.stderr += d));
    this.child = child;
    this.exited = new Promise((resolve) => child.once('close', () => resolve()));
    const until = Date.now() + 15_000;
    for (;;) {
      if (failed) throw new Error(`cannot start nats-server (apt-get install nats-server): ${failed.message}`);
      if (child.exitCode !== null) throw new Error(`nats-server exited with ${child.exitCode}:\n${this.stderr}`);
      try {
        await (await this.client({ reconnect: false })).close();
        return;
      } catch (err) {
        if (Date.now() > until) throw new Error(`nats-server did not take a client within 15s: ${(err as Error).message}\n${this.stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
  }

  /** Stops the server as an operator would (SIGTERM), and waits until it has exited. */
  async stop(): Promise<void> {
    if (!this.child || this.child.exitCode !== null || this.child.pid === undefined) return;
    this.child.kill('SIGTERM');
    await this.exited;
  }

  /**
   * Freezes the server (SIGSTOP): connections stay open and nothing is answered. Resolves once
   * every thread of it has stopped; a thread running on another CPU may take a moment.
   */
  async pause(): Promise<void> {
    this.child!.kill('SIGSTOP');
    const tasks = `/proc/${this.pid}/task`;
    // The state is the field after the command name: "T" once stopped.
    const state = (task: string) => readFileSync(join(tasks, task, 'stat'), 'utf8').replace(/^.*\)\s*/s, '')[0];
    const stopped = () => readdirSync(tasks).every((t) => state(t) === 'T' || state(t) === 't');
    while (!stopped()) await new Promise((resolve) => setImmediate(resolve));
  }

  resume(): void {
    this.child!.kill('SIGCONT');
  }

  async remove(): Promise<void> {
    running.delete(this);
    if (this.child && this.child.exitCode === null && this.child.pid !== undefined) {
      this.child.kill('SIGKILL');
      await this.exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** The test's own connection, with the server's credentials. */
  client(extra: { reconnect?: boolean } = {}): Promise<NatsConnection> {
    const auth = this.options.client ?? (this.options.user ? { user: this.options.user, pass: this.options.pass } : {});
    // The client names no server for an IP address: the certificate is checked against 127.0.0.1 here.
    const tls = this.options.clientCa ? { tls: { ca: this.options.clientCa, checkServerIdentity: (_: string, cert: PeerCertificate) => checkServerIdentity('127.0.0.1', cert) } } : {};
    const token = this.options.args?.includes('--auth') ? { token: this.options.args[this.options.args.indexOf('--auth') + 1] } : {};
    return connect({ servers: this.url, timeout: 2000, ...auth, ...token, ...tls, ...extra });
  }

  /** Every message the stream holds, in order, read with an ordered consumer. */
  async streamMessages(stream: string): Promise<StoredMessage[]> {
    const nc = await this.client();
    try {
      const { state } = await (await jetstreamManager(nc)).streams.info(stream);
      const consumer = await jetstream(nc).consumers.get(stream);
      const out: StoredMessage[] = [];
      while (out.length < state.messages) {
        const batch = await consumer.fetch({ max_messages: Math.min(1000, state.messages - out.length), expires: 5000 });
        for await (const m of batch) out.push({ subject: m.subject, data: m.string(), msgId: m.headers?.get('Nats-Msg-Id') });
      }
      return out;
    } finally {
      await nc.close();
    }
  }

  /** How many messages the stream holds now. */
  async streamCount(stream: string): Promise<number> {
    const nc = await this.client();
    try {
      return (await (await jetstreamManager(nc)).streams.info(stream)).state.messages;
    } finally {
      await nc.close();
    }
  }
}
