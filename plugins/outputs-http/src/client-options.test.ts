import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { newMetric, type OutputPlugin } from '@vigil/core';
import { createOutput, startConnectProxy, writeContext } from '@vigil/core/testing';
import http from './index.js';

const cpu = newMetric('cpu', { usage_idle: 97.5 }, { host: 'web-01' }, 1763881200000);
const servers: Server[] = [];
const outputs: OutputPlugin[] = [];

afterEach(async () => {
  await Promise.all(outputs.splice(0).map((o) => o.close?.()));
  await Promise.all(servers.splice(0).map((s) => (s.closeAllConnections(), new Promise((resolve) => s.close(resolve)))));
});

async function listen(server: Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A server answering every request with `handler`, recording the request headers. */
async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void) {
  const seen: IncomingMessage['headers'][] = [];
  const url = await listen(createServer((req, res) => (seen.push(req.headers), req.resume().on('end', () => handler(req, res)))));
  return { url, seen };
}

function output(options: Record<string, unknown>): OutputPlugin {
  const { plugin } = createOutput(http, options);
  outputs.push(plugin);
  return plugin;
}

describe('outputs.http with the shared HTTP-client options', () => {
  it('reads at most 64 KiB of an answer that never ends, and still judges its status', async () => {
    const receiver = await serve((_req, res) => {
      res.writeHead(500);
      const chunk = Buffer.alloc(65_536, 'e');
      const more = () => {
        while (!res.destroyed) if (!res.write(chunk)) return void res.once('drain', more);
      };
      more();
    });
    const before = process.memoryUsage().rss;
    const result = await output({ url: receiver.url }).write([cpu], writeContext());
    expect(result).toMatchObject({ outcome: 'retry' });
    expect((result as { reason: string }).reason).toMatch(new RegExp(`^${receiver.url}/? answered HTTP 500: e+$`));
    expect(process.memoryUsage().rss - before).toBeLessThan(128 * 1024 * 1024);
  });

  it('sends an OAuth2 token, fetched once for many writes', async () => {
    const token = await serve((_req, res) => res.end(JSON.stringify({ access_token: 'out-tok', expires_in: 3600 })));
    const receiver = await serve((_req, res) => res.writeHead(204).end());
    const out = output({ url: receiver.url, client_id: 'vigil', client_secret: 'sec-4711', token_url: token.url });
    for (let i = 0; i < 3; i++) expect(await out.write([cpu], writeContext())).toEqual({ outcome: 'written' });
    expect(token.seen).toHaveLength(1);
    expect(receiver.seen.map((h) => h.authorization)).toEqual(['Bearer out-tok', 'Bearer out-tok', 'Bearer out-tok']);
  });

  it('says the token endpoint failed, without the client secret, and retries the batch', async () => {
    const token = await serve((_req, res) => res.writeHead(400).end('invalid_client sec-4711'));
    const receiver = await serve((_req, res) => res.writeHead(204).end());
    const result = await output({ url: receiver.url, client_id: 'vigil', client_secret: 'sec-4711', token_url: token.url }).write([cpu], writeContext());
    expect(result).toMatchObject({ outcome: 'retry' });
    expect((result as { reason: string }).reason).toContain(`OAuth2 token from ${token.url}: status 400`);
    expect((result as { reason: string }).reason).not.toContain('sec-4711');
    expect(receiver.seen).toHaveLength(0);
  });

  it('goes through http_proxy_url', async () => {
    const receiver = await serve((_req, res) => res.writeHead(204).end());
    const proxy = await startConnectProxy();
    outputs.push({ write: () => undefined, close: () => proxy.close() });
    expect(await output({ url: receiver.url, http_proxy_url: proxy.url }).write([cpu], writeContext())).toEqual({ outcome: 'written' });
    expect(proxy.tunnels).toEqual([new URL(receiver.url).host]);
  });
});
