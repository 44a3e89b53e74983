import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { checkOptions, gatherOnce } from '@vigil/core/testing';
import system from './index.js';
import { GROUPS } from './options.js';
import { RepeatFilter } from './repeat-filter.js';
import { awsHandler, nobodyHandler, startMetadataServer } from './test-metadata-server.js';

describe('inputs.system definition', () => {
  test('every option has a description and a default, and the sample mentions it', () => {
    for (const [name, prop] of Object.entries(system.schema.properties)) {
      expect(typeof prop.description).toBe('string');
      expect(prop).toHaveProperty('default');
      expect(system.sample).toContain(`# ${name} = `);
    }
  });

  test('defaults: every group, per-CPU and total, Telegraf ignore_fs, no host_info, no cloud look-up', () => {
    const o = checkOptions<Record<string, unknown>>(system, {});
    expect(o).toMatchObject({
      collect: [...GROUPS],
      percpu: true,
      totalcpu: true,
      mount_points: [],
      ignore_fs: ['tmpfs', 'devtmpfs', 'devfs', 'iso9660', 'overlay', 'aufs', 'squashfs'],
      devices: [],
      interfaces: [],
      host_info: false,
      cloud_metadata: false,
      metadata_timeout: 1000,
    });
  });

  test('an unknown group, a metadata URL that is not http and a bad duration are rejected', () => {
    expect(() => checkOptions(system, { collect: ['cpu', 'gpu'] })).toThrow(/collect\.1.*must be one of/);
    expect(() => checkOptions(system, { aws_metadata_url: '169.254.169.254' })).toThrow(/aws_metadata_url/);
    expect(() => checkOptions(system, { metadata_timeout: 'soon' })).toThrow(/metadata_timeout.*duration/);
    expect(() => checkOptions(system, { percpus: true })).toThrow(/percpus/);
    expect(() => checkOptions(system, { percpu: false, totalcpu: false })).toThrow(/percpu and totalcpu are both false/);
    expect(checkOptions(system, { percpu: false, totalcpu: false, collect: ['mem'] })).toMatchObject({ collect: ['mem'] });
  });
});

describe('a gather', () => {
  test('by default emits every Telegraf measurement and no host_info, without errors', async () => {
    const { metrics, errors } = await gatherOnce(system, {});
    expect(errors).toEqual([]);
    expect([...new Set(metrics.map((m) => m.name))].sort()).toEqual(['cpu', 'disk', 'diskio', 'kernel', 'mem', 'net', 'netstat', 'processes', 'swap', 'system']);
    expect(metrics.filter((m) => m.name === 'cpu')).toHaveLength(cpus().length + 1);
    // One timestamp for the whole gather, so that the groups line up.
    expect(new Set(metrics.map((m) => m.timestamp)).size).toBe(1);
  });

  test('collect chooses the groups', async () => {
    const { metrics } = await gatherOnce(system, { collect: ['mem', 'kernel'] });
    expect([...new Set(metrics.map((m) => m.name))].sort()).toEqual(['kernel', 'mem']);
  });

  test('host_info = true adds the host snapshot as one host_info metric', async () => {
    const { metrics, errors } = await gatherOnce(system, { collect: [], host_info: true });
    expect(errors).toEqual([]);
    expect(metrics).toHaveLength(1);
    const f = metrics[0].fields;
    expect(metrics[0].name).toBe('host_info');
    expect(f.cpu_cores).toBe(BigInt(cpus().length));
    expect(f.memory_total).toBe(BigInt(/^MemTotal:\s+(\d+)/m.exec(readFileSync('/proc/meminfo', 'utf8'))![1]) * 1024n);
    expect(typeof f.is_container).toBe('boolean');
    expect(f.cloud_provider).toBe('');
  });

  test('cloud_metadata asks the configured metadata services and reports the instance in host_info', async () => {
    const aws = await startMetadataServer(awsHandler);
    const nobody = await startMetadataServer(nobodyHandler);
    try {
      const { metrics } = await gatherOnce(system, {
        collect: [],
        host_info: true,
        cloud_metadata: true,
        aws_metadata_url: aws.url,
        gcp_metadata_url: nobody.url,
        azure_metadata_url: nobody.url,
        metadata_timeout: '3s',
      });
      expect(metrics[0].fields).toMatchObject({ cloud_provider: 'aws', cloud_instance_id: 'i-0abc123def4567890', cloud_instance_type: 't3.micro', cloud_region: 'eu-west-1', cloud_zone: 'eu-west-1b' });
    } finally {
      await Promise.all([aws.close(), nobody.close()]);
    }
  });
});

describe('repeated errors', () => {
  test('the first occurrence is reported, repeats only as a summary once per window', () => {
    const filter = new RepeatFilter(60_000);
    expect(filter.filter('diskio: cannot read /proc/diskstats: ENOENT', 0)).toBe('diskio: cannot read /proc/diskstats: ENOENT');
    expect(filter.filter('diskio: cannot read /proc/diskstats: ENOENT', 10_000)).toBeUndefined();
    expect(filter.filter('diskio: cannot read /proc/diskstats: ENOENT', 20_000)).toBeUndefined();
    expect(filter.filter('net: cannot read /proc/net/dev: EACCES', 20_000)).toBe('net: cannot read /proc/net/dev: EACCES');
    expect(filter.filter('diskio: cannot read /proc/diskstats: ENOENT', 61_000)).toBe('diskio: cannot read /proc/diskstats: ENOENT (3 times in the last 1m)');
  });
});
