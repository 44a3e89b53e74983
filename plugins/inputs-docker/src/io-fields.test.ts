import { blkioRows, networkRows } from './io-fields.js';
import type { StatsResult } from './engine-types.js';

const stats: StatsResult = {
  networks: {
    eth0: { rx_bytes: 1000, rx_packets: 10, rx_errors: 1, rx_dropped: 0, tx_bytes: 500, tx_packets: 5, tx_errors: 0, tx_dropped: 2 },
    eth1: { rx_bytes: 24, rx_packets: 1, rx_errors: 0, rx_dropped: 3, tx_bytes: 0, tx_packets: 0, tx_errors: 0, tx_dropped: 0 },
  },
  blkio_stats: {
    io_service_bytes_recursive: [
      { major: 8, minor: 0, op: 'Read', value: 4096 },
      { major: 8, minor: 0, op: 'Write', value: 8192 },
      { major: 259, minor: 1, op: 'read', value: 100 },
    ],
    io_serviced_recursive: [
      { major: 8, minor: 0, op: 'Read', value: 1 },
      { major: 8, minor: 0, op: 'Write', value: 2 },
    ],
    sectors_recursive: [],
  },
};

describe('docker_container_net', () => {
  it('reports each interface and their total', () => {
    const rows = networkRows(stats, true, true);
    expect(rows.map((r) => r.tags.network)).toEqual(['eth0', 'eth1', 'total']);
    expect(rows[2].fields).toEqual({ rx_bytes: 1024n, rx_packets: 11n, rx_errors: 1n, rx_dropped: 3n, tx_bytes: 500n, tx_packets: 5n, tx_errors: 0n, tx_dropped: 2n });
  });

  it('follows the perdevice and total choices, and reports nothing for a container without interfaces', () => {
    expect(networkRows(stats, false, true).map((r) => r.tags.network)).toEqual(['total']);
    expect(networkRows(stats, true, false).map((r) => r.tags.network)).toEqual(['eth0', 'eth1']);
    expect(networkRows({}, true, true)).toEqual([]);
  });
});

describe('docker_container_blkio', () => {
  it("reports read/write bytes and operations per device under Telegraf's names, and their total", () => {
    const rows = blkioRows(stats, true, true);
    expect(rows.map((r) => r.tags.device)).toEqual(['8:0', '259:1', 'total']);
    expect(rows[0].fields).toEqual({ io_service_bytes_recursive_read: 4096n, io_service_bytes_recursive_write: 8192n, io_serviced_recursive_read: 1n, io_serviced_recursive_write: 2n });
    expect(rows[2].fields).toEqual({ io_service_bytes_recursive_read: 4196n, io_service_bytes_recursive_write: 8192n, io_serviced_recursive_read: 1n, io_serviced_recursive_write: 2n });
  });

  it('reports nothing when the cgroup accounted no I/O', () => {
    expect(blkioRows({ blkio_stats: { io_service_bytes_recursive: [], io_serviced_recursive: null } }, true, true)).toEqual([]);
  });
});
