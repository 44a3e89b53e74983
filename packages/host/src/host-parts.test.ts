import type { networkInterfaces } from 'node:os';
import { parseCpuInfo } from './cpu-info.js';
import { defaultRouteInterface, primaryAddress, reachableAddresses } from './network-addresses.js';
import { parseOsRelease } from './os-release.js';

describe('host snapshot parts', () => {
  test('physical cores are the distinct socket/core pairs: 2 sockets x 2 cores x 2 threads', () => {
    const block = (cpu: number, socket: number, core: number) =>
      `processor\t: ${cpu}\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R) Gold 6230\nphysical id\t: ${socket}\ncore id\t\t: ${core}\n`;
    const text = [block(0, 0, 0), block(1, 0, 1), block(2, 1, 0), block(3, 1, 1), block(4, 0, 0), block(5, 0, 1), block(6, 1, 0), block(7, 1, 1)].join('\n');
    expect(parseCpuInfo(text, 8)).toEqual({ model: 'Intel(R) Xeon(R) Gold 6230', vendor: 'GenuineIntel', logicalCores: 8, physicalCores: 4 });
  });

  test('without topology lines (many ARM boards) every logical CPU counts as a core', () => {
    const text = 'processor\t: 0\nCPU implementer\t: 0x41\n\nprocessor\t: 1\nCPU implementer\t: 0x41\n';
    expect(parseCpuInfo(text, 2)).toMatchObject({ vendor: '0x41', logicalCores: 2, physicalCores: 2 });
  });

  test('os-release values are unquoted', () => {
    expect(parseOsRelease('NAME="Ubuntu"\nID=ubuntu\nVERSION_ID="22.04"\n')).toEqual({ id: 'ubuntu', versionId: '22.04' });
  });

  const interfaces = {
    lo: [{ address: '127.0.0.1', netmask: '255.0.0.0', family: 'IPv4', mac: '00:00:00:00:00:00', internal: true, cidr: '127.0.0.1/8' }],
    docker0: [{ address: '172.17.0.1', netmask: '255.255.0.0', family: 'IPv4', mac: '02:42:00:00:00:01', internal: false, cidr: '172.17.0.1/16' }],
    ens5: [
      { address: '10.0.1.23', netmask: '255.255.255.0', family: 'IPv4', mac: '02:00:00:00:00:02', internal: false, cidr: '10.0.1.23/24' },
      { address: 'fe80::1', netmask: 'ffff:ffff:ffff:ffff::', family: 'IPv6', mac: '02:00:00:00:00:02', internal: false, cidr: 'fe80::1/64', scopeid: 2 },
      { address: '2001:db8::23', netmask: 'ffff:ffff:ffff:ffff::', family: 'IPv6', mac: '02:00:00:00:00:02', internal: false, cidr: '2001:db8::23/64', scopeid: 0 },
    ],
  } as ReturnType<typeof networkInterfaces>;

  const routes = [
    'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT',
    'docker0\t000011AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0',
    'ens5\t00000000\t0101000A\t0003\t0\t0\t100\t00000000\t0\t0\t0',
    'docker0\t00000000\t010011AC\t0003\t0\t0\t600\t00000000\t0\t0\t0',
  ].join('\n');

  test('the primary address is the IPv4 address of the default route with the lowest metric', () => {
    expect(defaultRouteInterface(routes)).toBe('ens5');
    expect(primaryAddress(routes, interfaces)).toBe('10.0.1.23');
  });

  test('without a default route the first reachable IPv4 address is primary', () => {
    expect(primaryAddress(routes.split('\n')[0], interfaces)).toBe('172.17.0.1');
  });

  test('loopback and IPv6 link-local addresses are not listed', () => {
    expect(reachableAddresses(interfaces)).toEqual(['172.17.0.1', '10.0.1.23', '2001:db8::23']);
  });
});
