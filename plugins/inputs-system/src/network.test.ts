import { createServer, connect, type Server, type Socket } from 'node:net';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { readFileSync, readdirSync } from 'node:fs';
import { compileGlobs } from '@vigil/core';
import { createRecordingAccumulator, gatherOnce } from '@vigil/core/testing';
import system from './index.js';
import { gatherNet } from './net.js';
import { countTcpStates } from './netstat.js';
import { ProcFiles } from './proc-files.js';
import { fakeRoot, removeFakeRoots } from './test-fake-root.js';

afterAll(removeFakeRoots);

const NET_FIELDS = ['bytes_recv', 'bytes_sent', 'drop_in', 'drop_out', 'err_in', 'err_out', 'packets_recv', 'packets_sent'];

function interfaceFlags(name: string): number {
  return Number.parseInt(readFileSync(`/sys/class/net/${name}/flags`, 'utf8'), 16);
}

describe('net', () => {
  test('by default every interface that is up is reported, loopback and down interfaces left out', async () => {
    const { metrics, errors } = await gatherOnce(system, { collect: ['net'] });
    expect(errors).toEqual([]);
    const expected = readdirSync('/sys/class/net').filter((n) => (interfaceFlags(n) & 0x1) !== 0 && (interfaceFlags(n) & 0x8) === 0);
    expect(metrics.map((m) => m.tags.interface).sort()).toEqual(expected.sort());
    for (const m of metrics) {
      expect(m.type).toBe('counter');
      expect(Object.keys(m.fields).sort()).toEqual(NET_FIELDS);
      for (const v of Object.values(m.fields)) expect(typeof v).toBe('bigint');
    }
  });

  test('interfaces names what to report, loopback included, and its counters match /proc/net/dev', async () => {
    const before = BigInt(/^\s*lo:\s*(\d+)/m.exec(readFileSync('/proc/net/dev', 'utf8'))![1]);
    const { metrics } = await gatherOnce(system, { collect: ['net'], interfaces: ['lo'] });
    const after = BigInt(/^\s*lo:\s*(\d+)/m.exec(readFileSync('/proc/net/dev', 'utf8'))![1]);
    expect(metrics.map((m) => m.tags.interface)).toEqual(['lo']);
    expect(metrics[0].fields.bytes_recv as bigint).toBeGreaterThanOrEqual(before);
    expect(metrics[0].fields.bytes_recv as bigint).toBeLessThanOrEqual(after);
  });

  test('interfaces globs select by pattern, down interfaces included', () => {
    const dev = [
      'Inter-|   Receive                                                |  Transmit',
      ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed',
      '    lo:     100       1    0    0    0     0          0         0      100       1    0    0    0     0       0          0',
      '  eth0:    5000      50    1    2    0     0          0         0     3000      30    3    4    0     0       0          0',
      '  eth1:       0       0    0    0    0     0          0         0        0       0    0    0    0     0       0          0',
      ' wlan0:      70       7    0    0    0     0          0         0       80       8    0    0    0     0       0          0',
    ].join('\n');
    const root = fakeRoot({
      'proc/net/dev': dev,
      'sys/class/net/lo/flags': '0x9\n',
      'sys/class/net/eth0/flags': '0x1003\n',
      'sys/class/net/eth1/flags': '0x1002\n',
      'sys/class/net/wlan0/flags': '0x1003\n',
    });
    const names = (matcher?: ReturnType<typeof compileGlobs>) => {
      const acc = createRecordingAccumulator();
      gatherNet(acc, new ProcFiles(root), matcher, 0);
      return acc.metrics.map((m) => m.tags.interface);
    };
    expect(names()).toEqual(['eth0', 'wlan0']);
    expect(names(compileGlobs(['eth*']))).toEqual(['eth0', 'eth1']);
    const acc = createRecordingAccumulator();
    gatherNet(acc, new ProcFiles(root), compileGlobs(['eth0']), 0);
    expect(acc.metrics[0].fields).toEqual({ bytes_recv: 5000n, packets_recv: 50n, err_in: 1n, drop_in: 2n, bytes_sent: 3000n, packets_sent: 30n, err_out: 3n, drop_out: 4n });
  });
});

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
    const { metrics, errors } = await gatherOnce(system, { collect: ['netstat'] });
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

  test('states are read from the fourth column of a socket table', () => {
    const table = [
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0 100 0 0 10 0',
      '   1: 0100007F:0016 0100007F:A2B4 01 00000000:00000000 00:00000000 00000000     0        0 2 1 0 100 0 0 10 0',
      '   2: 0100007F:A2B4 0100007F:0016 06 00000000:00000000 00:00000000 00000000     0        0 3 1 0 100 0 0 10 0',
      '   3: 0100007F:A2B6 0100007F:0016 0C 00000000:00000000 00:00000000 00000000     0        0 4 1 0 100 0 0 10 0',
      '',
    ].join('\n');
    const counts: Record<string, bigint> = { tcp_listen: 0n, tcp_established: 0n, tcp_time_wait: 0n, tcp_syn_recv: 0n };
    countTcpStates(table, counts);
    expect(counts).toEqual({ tcp_listen: 1n, tcp_established: 1n, tcp_time_wait: 1n, tcp_syn_recv: 1n });
  });
});
