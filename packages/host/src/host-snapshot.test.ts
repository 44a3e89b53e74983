import { cpus, hostname } from 'node:os';
import { readFileSync, statfsSync } from 'node:fs';
import { getHostSnapshot } from './index.js';
import { awsHandler, azureHandler, gcpHandler, nobodyHandler, startMetadataServer, type FakeMetadataServer } from './test-metadata-server.js';

const servers: FakeMetadataServer[] = [];
async function server(handler: Parameters<typeof startMetadataServer>[0]) {
  const s = await startMetadataServer(handler);
  servers.push(s);
  return s;
}
afterAll(() => Promise.all(servers.map((s) => s.close())));

function memTotalBytes(): number {
  return Number(/^MemTotal:\s+(\d+) kB/m.exec(readFileSync('/proc/meminfo', 'utf8'))![1]) * 1024;
}

describe('getHostSnapshot describes this machine', () => {
  test('identity, CPU and memory match what the kernel reports', async () => {
    const s = await getHostSnapshot();
    expect(s.hostname).toBe(hostname());
    expect(s.os).toBe('linux');
    expect(s.kernelVersion).toBe(readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim());
    expect(s.cpuCores).toBe(cpus().length);
    expect(s.cpuPhysicalCores).toBeGreaterThanOrEqual(1);
    expect(s.cpuPhysicalCores).toBeLessThanOrEqual(s.cpuCores);
    expect(s.cpuModel).not.toBe('');
    expect(s.memoryTotal).toBe(memTotalBytes());
    expect(s.bootTime).toBe(Number(/^btime (\d+)/m.exec(readFileSync('/proc/stat', 'utf8'))![1]));
    const uptime = Number.parseFloat(readFileSync('/proc/uptime', 'utf8'));
    expect(Math.abs(s.uptime - uptime)).toBeLessThanOrEqual(2);
    expect(s.timezone).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
  });

  test('the platform comes from os-release', async () => {
    const s = await getHostSnapshot();
    const release = readFileSync('/etc/os-release', 'utf8');
    expect(s.platform).toBe(/^ID="?([^"\n]*)"?$/m.exec(release)?.[1] ?? '');
    expect(s.platformVersion).toBe(/^VERSION_ID="?([^"\n]*)"?$/m.exec(release)?.[1] ?? '');
  });

  test('the disk total counts the root filesystem, and the primary IP is one of the addresses', async () => {
    const s = await getHostSnapshot();
    const root = statfsSync('/');
    expect(s.diskTotal).toBeGreaterThanOrEqual(root.blocks * root.bsize);
    expect(s.ipAddresses.every((a) => a !== '127.0.0.1' && a !== '::1' && !a.startsWith('fe80'))).toBe(true);
    if (s.ipAddresses.length > 0) expect(s.ipAddresses).toContain(s.primaryIp);
  });

  test('no cloud is looked up unless asked', async () => {
    const aws = await server(awsHandler);
    const s = await getHostSnapshot({ metadataEndpoints: { aws: aws.url, gcp: aws.url, azure: aws.url } });
    expect(aws.requests).toEqual([]);
    expect([s.cloudProvider, s.cloudInstanceId, s.cloudInstanceType, s.cloudRegion, s.cloudZone]).toEqual(['', '', '', '', '']);
  });
});

describe('cloud metadata', () => {
  async function lookUp(provider: 'aws' | 'gcp' | 'azure', handler: Parameters<typeof startMetadataServer>[0]) {
    const cloud = await server(handler);
    const nobody = await server(nobodyHandler);
    const endpoints = { aws: nobody.url, gcp: nobody.url, azure: nobody.url, [provider]: cloud.url };
    return { snapshot: await getHostSnapshot({ cloudMetadata: true, metadataEndpoints: endpoints, metadataTimeoutMs: 3000 }), cloud, endpoints };
  }

  test('AWS: a token is fetched with PUT, then the instance is read with it', async () => {
    const { snapshot, cloud } = await lookUp('aws', awsHandler);
    expect(cloud.requests[0]).toBe('PUT /latest/api/token');
    expect(snapshot).toMatchObject({ cloudProvider: 'aws', cloudInstanceId: 'i-0abc123def4567890', cloudInstanceType: 't3.micro', cloudRegion: 'eu-west-1', cloudZone: 'eu-west-1b' });
  });

  test('GCP: machine type and zone are reduced to their names, the region derived from the zone', async () => {
    const { snapshot } = await lookUp('gcp', gcpHandler);
    expect(snapshot).toMatchObject({ cloudProvider: 'gcp', cloudInstanceId: '4520031799277581759', cloudInstanceType: 'e2-small', cloudRegion: 'europe-west1', cloudZone: 'europe-west1-b' });
  });

  test('Azure: the compute document gives vmId, vmSize, location and zone', async () => {
    const { snapshot } = await lookUp('azure', azureHandler);
    expect(snapshot).toMatchObject({ cloudProvider: 'azure', cloudInstanceId: '02aab8a4-74ef-476e-8182-f6d2ba4166a6', cloudInstanceType: 'Standard_B2s', cloudRegion: 'westeurope', cloudZone: '2' });
  });

  test('a server that answers GCP paths without Metadata-Flavor: Google is not taken for GCP', async () => {
    // Answers the GCP paths (and nothing else), but without the flavor header.
    const impostor = await server((req) => (req.url?.startsWith('/computeMetadata/') ? { body: 'x' } : { status: 404, body: '' }));
    const s = await getHostSnapshot({ cloudMetadata: true, metadataEndpoints: { aws: impostor.url, gcp: impostor.url, azure: impostor.url }, metadataTimeoutMs: 3000 });
    expect(impostor.requests.some((r) => r.startsWith('GET /computeMetadata/v1/instance/'))).toBe(true);
    expect(s.cloudProvider).toBe('');
  });

  test('the answer is cached: a second snapshot asks no metadata service again', async () => {
    const { cloud, endpoints } = await lookUp('azure', azureHandler);
    const asked = cloud.requests.length;
    const again = await getHostSnapshot({ cloudMetadata: true, metadataEndpoints: endpoints, metadataTimeoutMs: 3000 });
    expect(again.cloudProvider).toBe('azure');
    expect(cloud.requests.length).toBe(asked);
  });

  test('outside any cloud the failed look-up is remembered too, not repeated on every snapshot', async () => {
    const nobody = await server(nobodyHandler);
    const endpoints = { aws: nobody.url, gcp: nobody.url, azure: nobody.url };
    expect((await getHostSnapshot({ cloudMetadata: true, metadataEndpoints: endpoints })).cloudProvider).toBe('');
    const asked = nobody.requests.length;
    expect(asked).toBeGreaterThan(0);
    await getHostSnapshot({ cloudMetadata: true, metadataEndpoints: endpoints });
    expect(nobody.requests.length).toBe(asked);
  });

  test('a metadata service that never answers is given up after the timeout', async () => {
    const silent = await server(() => 'hang');
    const s = await getHostSnapshot({ cloudMetadata: true, metadataEndpoints: { aws: silent.url, gcp: silent.url, azure: silent.url }, metadataTimeoutMs: 300 });
    expect(silent.requests.length).toBeGreaterThan(0);
    expect(s.cloudProvider).toBe('');
    expect(s.hostname).toBe(hostname());
  }, 5000);
});
