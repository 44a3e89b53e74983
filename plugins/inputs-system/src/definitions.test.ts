import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkOptions, gatherOnce } from '@vigil/core/testing';
import system, * as definitions from './index.js';
import { RepeatFilter } from './repeat-filter.js';

const TELEGRAF_INPUTS = ['cpu', 'mem', 'swap', 'disk', 'diskio', 'net', 'netstat', 'processes', 'kernel'] as const;
const all = [system, ...TELEGRAF_INPUTS.map((name) => definitions[name])];

describe('the definitions', () => {
  test("inputs.system and Telegraf's nine host inputs are exported under Telegraf's names", () => {
    expect(all.map((d) => `${d.kind}.${d.name}`)).toEqual(['inputs.system', ...TELEGRAF_INPUTS.map((n) => `inputs.${n}`)]);
  });

  test.each(all.map((d) => [d.name, d] as const))('inputs.%s: every option has a description and a default, and its sample shows it', (name, def) => {
    expect(def.sample).toContain(`[[inputs.${name}]]`);
    for (const [option, prop] of Object.entries(def.schema.properties)) {
      expect(typeof prop.description).toBe('string');
      expect(prop).toHaveProperty('default');
      expect(def.sample).toContain(`# ${option} = `);
    }
  });

  test("each Telegraf input takes Telegraf's options with Telegraf's defaults", () => {
    expect(checkOptions(definitions.cpu, {})).toEqual({ percpu: true, totalcpu: true, collect_cpu_time: false, report_active: false, core_tags: false });
    expect(checkOptions(definitions.disk, {})).toEqual({ mount_points: [], ignore_fs: ['tmpfs', 'devtmpfs', 'devfs', 'iso9660', 'overlay', 'aufs', 'squashfs'], ignore_mount_opts: [] });
    expect(checkOptions(definitions.diskio, {})).toEqual({ devices: [], skip_serial_number: true, device_tags: [], name_templates: [] });
    expect(checkOptions(definitions.net, {})).toEqual({ interfaces: [], ignore_protocol_stats: false });
    expect(checkOptions(definitions.kernel, {})).toEqual({ collect: [] });
    for (const name of ['mem', 'swap', 'netstat', 'processes'] as const) expect(checkOptions(definitions[name], {})).toEqual({});
  });

  test('inputs.system takes every group option, and its own', () => {
    expect(checkOptions(system, {})).toMatchObject({
      collect: ['cpu', 'mem', 'swap', 'disk', 'diskio', 'net', 'netstat', 'system', 'processes', 'kernel'],
      percpu: true,
      report_active: false,
      ignore_mount_opts: [],
      skip_serial_number: true,
      ignore_protocol_stats: false,
      kernel_collect: [],
      host_info: false,
      cloud_metadata: false,
      metadata_timeout: 1000,
    });
  });

  test('wrong options are rejected, naming the option', () => {
    expect(() => checkOptions(system, { collect: ['cpu', 'gpu'] })).toThrow(/collect\.1.*must be one of/);
    expect(() => checkOptions(system, { aws_metadata_url: '169.254.169.254' })).toThrow(/aws_metadata_url/);
    expect(() => checkOptions(system, { metadata_timeout: 'soon' })).toThrow(/metadata_timeout.*duration/);
    expect(() => checkOptions(system, { percpus: true })).toThrow(/percpus/);
    expect(() => checkOptions(system, { percpu: false, totalcpu: false })).toThrow(/percpu and totalcpu are both false/);
    expect(checkOptions(system, { percpu: false, totalcpu: false, collect: ['mem'] })).toMatchObject({ collect: ['mem'] });
    expect(() => checkOptions(definitions.cpu, { percpu: false, totalcpu: false })).toThrow(/remove the \[\[inputs\.cpu\]\] block/);
    expect(() => checkOptions(definitions.kernel, { collect: ['ksm', 'vmstat'] })).toThrow(/collect\.1.*must be one of/);
    // inputs.system's collect names groups; the kernel's extras have their own option there.
    expect(() => checkOptions(system, { collect: ['psi'] })).toThrow(/collect\.0/);
    expect(() => checkOptions(definitions.mem, { percpu: true })).toThrow(/percpu/);
  });
});

describe('host_info', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  /** AWS IMDSv2 as the plugin should ask it: a token by PUT, then the instance's values. */
  async function startAwsMetadata(): Promise<string> {
    const values: Record<string, string> = {
      '/latest/meta-data/instance-id': 'i-0abc123def4567890',
      '/latest/meta-data/instance-type': 't3.micro',
      '/latest/meta-data/placement/availability-zone': 'eu-west-1b',
      '/latest/meta-data/placement/region': 'eu-west-1',
    };
    server = createServer((req, res) => {
      if (req.method === 'PUT' && req.url === '/latest/api/token') return res.end('token-1');
      const value = req.headers['x-aws-ec2-metadata-token'] === 'token-1' ? values[req.url ?? ''] : undefined;
      res.writeHead(value === undefined ? 404 : 200).end(value ?? '');
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  test('cloud_metadata asks the configured services and host_info names the instance', async () => {
    const url = await startAwsMetadata();
    const { metrics, errors } = await gatherOnce(system, {
      collect: [],
      host_info: true,
      cloud_metadata: true,
      aws_metadata_url: url,
      // Not a metadata server: GCP and Azure probes fail fast.
      gcp_metadata_url: url,
      azure_metadata_url: url,
      metadata_timeout: '3s',
    });
    expect(errors).toEqual([]);
    expect(metrics.map((m) => m.name)).toEqual(['host_info']);
    expect(metrics[0].fields).toMatchObject({ cloud_provider: 'aws', cloud_instance_id: 'i-0abc123def4567890', cloud_instance_type: 't3.micro', cloud_region: 'eu-west-1', cloud_zone: 'eu-west-1b' });
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
