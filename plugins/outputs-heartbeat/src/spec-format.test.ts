import { networkInterfaces } from 'node:os';
import { VERSION } from '@vigil/core';
import { connected, createHeartbeat, metrics, startReceiver, stopAll } from './test-harness.js';

afterEach(stopAll);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function expectedIp(): string | undefined {
  const external = Object.values(networkInterfaces()).flatMap((l) => l ?? []).filter((a) => !a.internal);
  return (external.find((a) => a.family === 'IPv4') ?? external.find((a) => a.family === 'IPv6'))?.address;
}

describe('outputs.heartbeat, format "spec"', () => {
  it('sends the first heartbeat at start-up with the fields the spec always requires', async () => {
    const receiver = await startReceiver();
    const run = createHeartbeat(
      { urls: [receiver.url], agent_id: 'agent-prod-web-01' },
      { hostname: 'web-server-01', configSources: ['/etc/vigil/vigil.toml', 'https://user:***@config.example.com/agent.toml'] },
    );
    await connected(run);

    expect(receiver.beats).toHaveLength(1);
    const { body, headers, method, path } = receiver.last;
    expect(method).toBe('POST');
    expect(path).toBe('/heartbeat');
    expect(headers['content-type']).toBe('application/json');
    expect(headers['user-agent']).toBe(`vigil/${VERSION}`);
    const ip = expectedIp();
    expect(body).toEqual({
      id: 'agent-prod-web-01',
      status: 'OK',
      configs: ['/etc/vigil/vigil.toml', 'https://user:***@config.example.com/agent.toml'],
      telegraf_version: VERSION,
      hostname: 'web-server-01',
      ...(ip && { ip }),
      properties: {
        os_type: expect.any(String),
        runtime_version: `node ${process.versions.node}`,
        process_session_id: expect.stringMatching(UUID),
        agent_start_time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      },
    });
  });

  it('blanks credentials in config URLs it is given', async () => {
    const receiver = await startReceiver();
    const run = createHeartbeat({ urls: [receiver.url], agent_id: 'a' }, { configSources: ['https://deploy:hunter22@config.example.com/agent.toml'] });
    await connected(run);
    expect(receiver.last.body.configs).toEqual(['https://deploy:***@config.example.com/agent.toml']);
  });

  it('sends the configured headers and the token as a bearer', async () => {
    const receiver = await startReceiver();
    const run = createHeartbeat({ urls: [receiver.url], agent_id: 'a', headers: { 'X-Tenant': 'blue', 'User-Agent': 'custom-agent' }, token: 's3cr3t-token' });
    await connected(run);
    expect(receiver.last.headers).toMatchObject({ 'x-tenant': 'blue', 'user-agent': 'custom-agent', authorization: 'Bearer s3cr3t-token' });
  });

  it('sends an Authorization header from headers as it is', async () => {
    const receiver = await startReceiver();
    const run = createHeartbeat({ urls: [receiver.url], agent_id: 'a', headers: { Authorization: 'Token abc' } });
    await connected(run);
    expect(receiver.last.headers.authorization).toBe('Token abc');
  });

  it('leaves out the hostname and the IP when told to', async () => {
    const receiver = await startReceiver();
    await connected(createHeartbeat({ urls: [receiver.url], agent_id: 'a', omit_hostname: true, omit_ip: true }));
    expect(receiver.last.body).not.toHaveProperty('hostname');
    expect(receiver.last.body).not.toHaveProperty('ip');
    expect(receiver.last.body).toHaveProperty('configs');
  });

  it("leaves out the hostname when [agent] omit_hostname is set, unless the block says otherwise", async () => {
    const receiver = await startReceiver();
    await connected(createHeartbeat({ urls: [receiver.url], agent_id: 'by-agent' }, { omitHostname: true, hostname: 'h1' }));
    await connected(createHeartbeat({ urls: [receiver.url], agent_id: 'by-block', omit_hostname: false }, { omitHostname: true, hostname: 'h1' }));
    const byId = Object.fromEntries(receiver.beats.map((b) => [b.body.id, b.body]));
    expect(byId['by-agent']).not.toHaveProperty('hostname');
    expect(byId['by-block'].hostname).toBe('h1');
  });

  it('adds its own properties and leaves out excluded defaults; the session id stays for the process', async () => {
    const receiver = await startReceiver();
    const run = createHeartbeat({
      urls: [receiver.url],
      agent_id: 'a',
      properties: { environment: 'production', team: 'web' },
      exclude_properties: ['os_type', 'agent_start_time'],
    });
    await connected(run);
    await run.heartbeat.beat();
    const [first, second] = receiver.beats.map((b) => b.body.properties);
    expect(first).toEqual({ runtime_version: `node ${process.versions.node}`, process_session_id: expect.stringMatching(UUID), environment: 'production', team: 'web' });
    expect(second.process_session_id).toBe(first.process_session_id);
  });

  it('keeps the session id when the plugin is made again in the same process (a reload), so only a restart changes it', async () => {
    const receiver = await startReceiver();
    await connected(createHeartbeat({ urls: [receiver.url], agent_id: 'a' }));
    await connected(createHeartbeat({ urls: [receiver.url], agent_id: 'a' }));
    const [before, after] = receiver.beats.map((b) => b.body.properties.process_session_id);
    expect(after).toBe(before);
  });

  it('drops properties altogether when every default is excluded and none is added', async () => {
    const receiver = await startReceiver();
    await connected(createHeartbeat({ urls: [receiver.url], agent_id: 'a', exclude_properties: ['os_type', 'runtime_version', 'process_session_id', 'agent_start_time'] }));
    expect(receiver.last.body).not.toHaveProperty('properties');
  });

  it('shows agent_start_time in [agent] log_with_timezone', async () => {
    const receiver = await startReceiver();
    const startTime = Date.UTC(2025, 6, 1, 12, 0, 0);
    await connected(createHeartbeat({ urls: [receiver.url], agent_id: 'a' }, { startTime, logTimezone: 'Europe/Berlin' }));
    expect(receiver.last.body.properties.agent_start_time).toBe('2025-07-01T14:00:00.000+02:00');
  });

  it('beats again every interval on its own timer, and stops at close', async () => {
    const receiver = await startReceiver();
    const run = createHeartbeat({ urls: [receiver.url], agent_id: 'a', interval: '20ms' });
    run.heartbeat.connect();
    await receiver.received(3);
    await run.heartbeat.close();
    const count = receiver.beats.length;
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(receiver.beats).toHaveLength(count);
  });

  it('sends nothing with enabled = false, and previews nothing', async () => {
    const receiver = await startReceiver();
    const off = createHeartbeat({ urls: [receiver.url], agent_id: 'off', enabled: false, interval: '10ms' });
    off.heartbeat.connect();
    const on = createHeartbeat({ urls: [receiver.url], agent_id: 'on', interval: '10ms' });
    on.heartbeat.connect();
    await receiver.received(5);
    expect(receiver.beats.map((b) => b.body.id)).not.toContain('off');
    expect(await off.heartbeat.preview()).toEqual([]);
    expect(off.ownLogs()).toEqual(['info disabled (enabled = false): no heartbeats are sent']);
  });

  it('adds systemInfo under the TelemetryFlow agent\'s field names, read from this host', async () => {
    const receiver = await startReceiver();
    await connected(createHeartbeat({ urls: [receiver.url], agent_id: 'a', include_system_info: true, cloud_metadata: false }));
    const info = receiver.last.body.systemInfo as Record<string, unknown>;
    const numbers = [
      'uptime', 'bootTime', 'cpuCores', 'cpuLogicalCores', 'cpuPhysicalCores', 'cpuUsage', 'cpuUserPercent', 'cpuSystemPercent', 'cpuIdlePercent',
      'cpuIowaitPercent', 'cpuStealPercent', 'cpuGuestPercent', 'cpuIrqPercent', 'cpuSoftirqPercent', 'cpuNicePercent', 'loadAvg1', 'loadAvg5', 'loadAvg15',
      'memoryTotal', 'memoryUsed', 'memoryAvailable', 'memoryFree', 'memoryUsage', 'memoryCached', 'memoryBuffers', 'memoryActive', 'memoryInactive',
      'memoryShared', 'memorySlab', 'memoryPageTables', 'memoryCommitted', 'memoryCommitLimit', 'memoryDirty', 'memoryWriteback', 'swapTotal', 'swapUsed',
      'swapFree', 'swapIn', 'swapOut', 'pageFaultsMajor', 'pageFaultsMinor', 'diskReadBytes', 'diskWriteBytes', 'diskReadOps', 'diskWriteOps',
      'diskReadTime', 'diskWriteTime', 'diskIoTime', 'diskWeightedIo', 'diskIoInProgress', 'networkBytesSent', 'networkBytesRecv', 'networkPacketsSent',
      'networkPacketsRecv', 'networkErrorsIn', 'networkErrorsOut', 'networkDropsIn', 'networkDropsOut', 'networkFifoIn', 'networkFifoOut',
      'tcpConnectionsEstablished', 'tcpConnectionsTimeWait', 'tcpConnectionsCloseWait', 'tcpConnectionsListen', 'tcpConnectionsSynSent',
      'tcpConnectionsSynRecv', 'tcpConnectionsFinWait1', 'tcpConnectionsFinWait2', 'tcpConnectionsLastAck', 'tcpConnectionsClosing', 'tcpRetransmits',
      'processCount', 'processRunning', 'processSleeping', 'processStopped', 'processZombie', 'processBlocked', 'threadCount', 'contextSwitches',
      'interrupts', 'softInterrupts', 'openFileDescriptors', 'maxFileDescriptors', 'fileDescriptorsUsage', 'entropyAvailable',
      'agentStartTime', 'agentUptime', 'collectionTime', 'collectionDuration',
    ];
    for (const field of numbers) expect([field, typeof info[field]]).toEqual([field, 'number']);
    for (const field of ['hostname', 'os', 'kernelVersion', 'architecture', 'timezone', 'cpuModel', 'agentVersion']) expect([field, typeof info[field]]).toEqual([field, 'string']);
    for (const field of ['isContainer', 'isVirtualized']) expect([field, typeof info[field]]).toEqual([field, 'boolean']);
    expect(info).toMatchObject({ os: process.platform, agentVersion: VERSION });
    expect(info.cpuCores).toBeGreaterThan(0);
    expect(info.memoryTotal).toBeGreaterThan(0);
    expect(info.processCount).toBeGreaterThan(0);
    expect(info.cpuPerCore).toHaveLength(info.cpuCores as number);
    expect((info.networkInterfaces as { isLoopback: boolean }[]).some((i) => i.isLoopback)).toBe(true);
    // Not asked for, so not known: left out rather than sent empty. The first beat has no rates yet.
    for (const field of ['cloudProvider', 'cloudInstanceId', 'cloudRegion', 'networkBytesSentRate', 'networkBytesRecvRate', 'diskIops']) expect(info).not.toHaveProperty(field);
  });

  it('the next heartbeat reports rates over the interval since the previous one, whatever a preview in between', async () => {
    const receiver = await startReceiver();
    const run = createHeartbeat({ urls: [receiver.url], agent_id: 'a', include_system_info: true, cloud_metadata: false });
    await connected(run);
    expect(receiver.last.body.systemInfo).not.toHaveProperty('networkBytesRecvRate');
    const [preview] = await run.heartbeat.preview();
    expect(preview.message.systemInfo).toHaveProperty('networkBytesRecvRate');
    await run.heartbeat.beat();
    const info = receiver.last.body.systemInfo as Record<string, unknown>;
    expect(receiver.beats).toHaveLength(2);
    for (const field of ['networkBytesRecvRate', 'networkBytesSentRate', 'diskIops']) expect([field, typeof info[field]]).toEqual([field, 'number']);
  });

  it('previews the message each URL would get, naming the URL without its password, sending nothing, secrets blanked', async () => {
    const a = await startReceiver();
    const b = await startReceiver();
    const withPassword = b.url.replace('http://', 'http://deploy:pa55word@');
    const run = createHeartbeat({ urls: [a.url, withPassword], agent_id: 'a', send_logs: true, headers: { 'X-Key': 'header-secret' } });
    run.log('error', 'request with header-secret was refused');
    const preview = await run.heartbeat.preview();
    expect(preview.map((p) => p.url)).toEqual([a.url, b.url.replace('http://', 'http://deploy:***@')]);
    expect(preview[0].message).toMatchObject({ id: 'a', status: 'OK', telegraf_version: VERSION, logs: [{ level: 'error', message: 'request with *** was refused' }] });
    expect(preview[1].message).toEqual(preview[0].message);
    expect(a.beats).toHaveLength(0);
    expect(b.beats).toHaveLength(0);
  });

  it('counts the metrics it is written for the status conditions', async () => {
    const receiver = await startReceiver();
    const run = createHeartbeat({ urls: [receiver.url], agent_id: 'a', status_conditions: { ok: 'metrics == 7', default: 'FAIL' } });
    await connected(run);
    run.heartbeat.write(metrics(3));
    run.heartbeat.write(metrics(4));
    await run.heartbeat.beat();
    expect(receiver.beats.map((b) => b.body.status)).toEqual(['FAIL', 'OK']);
  });
});
