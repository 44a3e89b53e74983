import type { OptionsSchema } from '@vigil/core';
import { DEFAULT_IGNORE_FS, DEFAULT_METADATA_ENDPOINTS } from '@vigil/host';

export const GROUPS = ['cpu', 'mem', 'swap', 'disk', 'diskio', 'net', 'netstat', 'system', 'processes', 'kernel'] as const;
export type Group = (typeof GROUPS)[number];

export const KERNEL_EXTRAS = ['ksm', 'psi'] as const;
export type KernelExtra = (typeof KERNEL_EXTRAS)[number];

/** The options of every group, under Telegraf's names: what the gatherer of each group reads. */
export interface GroupOptions {
  percpu: boolean;
  totalcpu: boolean;
  collect_cpu_time: boolean;
  report_active: boolean;
  core_tags: boolean;
  mount_points: string[];
  ignore_fs: string[];
  ignore_mount_opts: string[];
  devices: string[];
  skip_serial_number: boolean;
  device_tags: string[];
  name_templates: string[];
  interfaces: string[];
  ignore_protocol_stats: boolean;
  /** inputs.kernel's `collect`. */
  kernel_collect: KernelExtra[];
}

export interface SystemOptions extends GroupOptions {
  collect: Group[];
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

const flag = (value: boolean, description: string) => ({ type: 'boolean', default: value, description });

const kernelExtras = (description: string) => ({
  type: 'array',
  items: { type: 'string', enum: [...KERNEL_EXTRAS] },
  uniqueItems: true,
  default: [],
  description,
});

/** Each group's options, as the plugin of that name takes them (Telegraf's names and defaults). */
export const GROUP_PROPERTIES = {
  cpu: {
    percpu: flag(true, 'One metric per CPU (tag cpu = "cpu0" …).'),
    totalcpu: flag(true, 'cpu: one metric for all CPUs together, tag `cpu = "cpu-total"`. Both `false` with cpu collected is a configuration error.'),
    collect_cpu_time: flag(false, 'Also send the time_* fields: seconds in each state since boot.'),
    report_active: flag(false, 'cpu: also send `usage_active` (and `time_active` with `collect_cpu_time`): every state but idle, iowait included.'),
    core_tags: flag(false, 'cpu: tag each CPU with `core_id` and `physical_id` from `/proc/cpuinfo` (where it lists them; not cpu-total).'),
  },
  disk: {
    mount_points: stringList('Only these mount points (exact paths); every mount when empty.'),
    ignore_fs: stringList('disk: filesystem types left out (Telegraf\'s default list).', DEFAULT_IGNORE_FS),
    ignore_mount_opts: stringList('disk: mounts carrying any of these options are left out. The options are the mount\'s and the filesystem\'s of `/proc/self/mountinfo` (`rw`, `nosuid`, `relatime`, `errors=remount-ro` …) plus `bind` for a mount that shows a subtree of its filesystem.'),
  },
  diskio: {
    devices: stringList('diskio: only these block devices: globs of kernel names (`"sd*"`, `"nvme?n1"`), or `/dev/…` links (`/dev/disk/by-id/…`), which stand for the device the link leads to when the input starts. Every device of `/proc/diskstats`, partitions included, when empty.'),
    skip_serial_number: flag(true, 'Leave out the serial tag (the disk serial number udev knows).'),
    device_tags: stringList('diskio: udev properties added as tags when the device has them (`"ID_FS_TYPE"`, `"ID_FS_USAGE"`, `"ID_MODEL"` …).'),
    name_templates: stringList('Names for the name tag from udev properties ("$ID_FS_LABEL", "$DM_VG_NAME/$DM_LV_NAME"): the first whose properties all exist is used.'),
  },
  net: {
    interfaces: stringList('Only these interfaces (globs), whatever their state; when empty, every interface that is up, loopback excepted.'),
    ignore_protocol_stats: flag(false, 'Leave out the interface=all metric of /proc/net/snmp protocol counters.'),
  },
} as const;

export const KERNEL_COLLECT_DESCRIPTION = 'Extra kernel sources: "ksm" (samepage merging, ksm_* fields) and "psi" (pressure stall information, the pressure measurement).';

const metadataUrl = (provider: string) => ({
  type: 'string',
  pattern: '^https?://',
  default: DEFAULT_METADATA_ENDPOINTS.aws,
  description: `Base URL of the ${provider} instance metadata service.`,
});

export const systemSchema: OptionsSchema = {
  type: 'object',
  properties: {
    collect: {
      type: 'array',
      items: { type: 'string', enum: [...GROUPS] },
      uniqueItems: true,
      default: [...GROUPS],
      description: '`inputs.system` only. Groups to collect: `cpu`, `mem`, `swap`, `disk`, `diskio`, `net`, `netstat`, `system`, `processes`, `kernel`. Each sends what the Telegraf input of that name sends.',
    },
    ...GROUP_PROPERTIES.cpu,
    ...GROUP_PROPERTIES.disk,
    ...GROUP_PROPERTIES.diskio,
    ...GROUP_PROPERTIES.net,
    kernel_collect: kernelExtras(`kernel: ${KERNEL_COLLECT_DESCRIPTION} Called \`collect\` in [[inputs.kernel]].`),
    host_info: flag(false, '`inputs.system` only. Also send the `host_info` measurement (the host snapshot, below).'),
    cloud_metadata: flag(false, 'host_info: ask the AWS, GCP and Azure metadata services who this instance is.'),
    aws_metadata_url: metadataUrl('AWS (IMDSv2)'),
    gcp_metadata_url: metadataUrl('GCP'),
    azure_metadata_url: metadataUrl('Azure'),
    metadata_timeout: { duration: true, default: '1s', description: 'host_info: deadline of the whole cloud look-up (the three services are asked at once).' },
  },
};

/** The schema of one group's own plugin (inputs.cpu …): that group's options only. */
export function groupSchema(group: Group): OptionsSchema {
  if (group === 'kernel') return { type: 'object', properties: { collect: kernelExtras(KERNEL_COLLECT_DESCRIPTION) } };
  const properties = group in GROUP_PROPERTIES ? GROUP_PROPERTIES[group as keyof typeof GROUP_PROPERTIES] : {};
  return { type: 'object', properties: { ...properties } };
}

/** Telegraf's defaults of every group option, for plugins that take only some of them. */
export function defaultGroupOptions(): GroupOptions {
  const defaults = Object.fromEntries(
    Object.values(GROUP_PROPERTIES).flatMap((properties) => Object.entries(properties).map(([name, p]) => [name, structuredClone(p.default)])),
  );
  return { ...(defaults as Omit<GroupOptions, 'kernel_collect'>), kernel_collect: [] };
}
