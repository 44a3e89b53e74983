import { createServer, connect, type Server, type Socket } from 'node:net';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { gatherOnce } from '@vigil/core/testing';
import { ProcFiles } from '@vigil/host';
import { netstat } from './index.js';

// Live: the sockets counted are ones this test opens. The state mapping is in testcases/netstat.
describe('netstat', () => {
  const servers: Server[] = [];
  const sockets: Socket[] = [];
  let udp: UdpSocket;

  beforeAll(async () => {
    for (let i = 0; i < 3; i++) {
      const server = createServer((s) => sockets.push(s));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      servers.push(server);
    }
    const port = (servers[0].address() as { port: number }).port;
    for (let i = 0; i < 40; i++) {
      const client = connect(port, '127.0.0.1');
      await new Promise((resolve) => client.once('connect', resolve));
      sockets.push(client);
    }
    udp = createSocket('udp4');
    await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    sockets.forEach((s) => s.destroy());
    udp.close();
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  });

  test('sockets this test holds open are counted by state: 3 listening, 40 connections seen from both ends, 1 UDP', async () => {
    const { metrics, errors } = await gatherOnce(netstat, {});
    expect(errors).toEqual([]);
    expect(metrics).toHaveLength(1);
    const f = metrics[0].fields as Record<string, bigint>;
    expect(metrics[0].name).toBe('netstat');
    expect(f.tcp_listen).toBeGreaterThanOrEqual(3n);
    // 40 clients and the 40 server ends: more than one page of /proc/net/tcp.
    expect(f.tcp_established).toBeGreaterThanOrEqual(80n);
    expect(f.udp_socket).toBeGreaterThanOrEqual(1n);
    for (const key of ['tcp_syn_sent', 'tcp_syn_recv', 'tcp_fin_wait1', 'tcp_fin_wait2', 'tcp_time_wait', 'tcp_close', 'tcp_close_wait', 'tcp_last_ack', 'tcp_closing', 'tcp_none']) {
      expect(typeof f[key]).toBe('bigint');
    }
  });

  test('the socket table read finds every connection, however many pages it spans', async () => {
    const table = await new ProcFiles().readSocketTable('/proc/net/tcp');
    for (const s of sockets) {
      const hexPort = s.localPort!.toString(16).toUpperCase().padStart(4, '0');
      expect(table).toContain(`0100007F:${hexPort}`);
    }
  });
});
