import type { OptionsSchema } from '@vigil/core';
import { DEFAULT_METADATA_ENDPOINTS } from './cloud-metadata.js';
import { DEFAULT_IGNORE_FS } from './mounts.js';

export const GROUPS = ['cpu', 'mem', 'swap', 'disk', 'diskio', 'net', 'netstat', 'system', 'processes', 'kernel'] as const;
export type Group = (typeof GROUPS)[number];

export interface SystemOptions {
  collect: Group[];
  percpu: boolean;
  totalcpu: boolean;
  mount_points: string[];
  ignore_fs: string[];
  devices: string[];
  interfaces: string[];
  host_info: boolean;
  cloud_metadata: boolean;
  aws_metadata_url: string;
  gcp_metadata_url: string;
  azure_metadata_url: string;
  /** Milliseconds. */
  metadata_timeout: number;
}

const stringList = (description: string, defaults: string[] = []) => ({
  type: 'array',
  items: { type: 'string' },
  default: defaults,
  description,
});

const metadataUrl = (provider: string) => ({
  type: 'string',
  pattern: '^https?://',
  default: DEFAULT_METADATA_ENDPOINTS.aws,
  description: `Base URL of the ${provider} instance metadata service.`,
});

export const schema: OptionsSchema = {
  type: 'object',
  properties: {
    collect: {
      type: 'array',
      items: { type: 'string', enum: [...GROUPS] },
      uniqueItems: true,
      default: [...GROUPS],
      description: 'Groups of metrics to collect; each is the Telegraf measurement of that name.',
    },
    percpu: { type: 'boolean', default: true, description: 'cpu: one metric per CPU (tag cpu = "cpu0" …).' },
    totalcpu: { type: 'boolean', default: true, description: 'cpu: one metric for all CPUs together (tag cpu = "cpu-total").' },
    mount_points: stringList('disk: only these mount points (exact paths); every mount when empty.'),
    ignore_fs: stringList('disk: filesystem types left out.', DEFAULT_IGNORE_FS),
    devices: stringList('diskio: only these block devices (globs); every device when empty.'),
    interfaces: stringList('net: only these interfaces (globs), whatever their state; when empty, every interface that is up, loopback excepted.'),
    host_info: { type: 'boolean', default: false, description: 'Also send the host_info measurement (the host snapshot).' },
    cloud_metadata: { type: 'boolean', default: false, description: 'host_info: ask the AWS, GCP and Azure metadata services who this instance is.' },
    aws_metadata_url: metadataUrl('AWS (IMDSv2)'),
    gcp_metadata_url: metadataUrl('GCP'),
    azure_metadata_url: metadataUrl('Azure'),
    metadata_timeout: { duration: true, default: '1s', description: 'host_info: deadline of the whole cloud metadata look-up.' },
  },
};
