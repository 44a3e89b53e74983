/**
 * A TCP proxy on 127.0.0.1 in front of a broker, so a test can cut the agent's connection (the
 * broker sees it vanish without a DISCONNECT) or stop the broker's answers reaching it.
 */
import { createConnection, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

interface Link {
  client: Socket;
  upstream: Socket;
}

export class TestProxy {
  private readonly links = new Set<Link>();

  private constructor(private readonly server: Server) {}

  static async start(targetPort: number): Promise<TestProxy> {
    const proxy = new TestProxy(createServer());
    proxy.server.on('connection', (client) => {
      const upstream = createConnection({ port: targetPort, host: '127.0.0.1' });
      const link = { client, upstream };
      proxy.links.add(link);
      client.pipe(upstream);
      upstream.pipe(client);
      const drop = () => {
        proxy.links.delete(link);
        client.destroy();
        upstream.destroy();
      };
      client.on('close', drop).on('error', drop);
      upstream.on('close', drop).on('error', drop);
    });
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get url(): string {
    return `tcp://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  get connections(): number {
    return this.links.size;
  }

  /** Destroys every connection through the proxy, as a cut network or a killed agent would. */
  cut(): void {
    for (const { client, upstream } of this.links) {
      client.destroy();
      upstream.destroy();
    }
  }

  /** The broker's bytes stop reaching the connections open now (acknowledgements never arrive). */
  silenceBroker(): void {
    for (const { client, upstream } of this.links) upstream.unpipe(client);
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise((resolve) => this.server.close(resolve));
  }
}
