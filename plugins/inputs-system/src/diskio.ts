import { realpathSync } from 'node:fs';
import { basename } from 'node:path';
import { compileGlobs, type Accumulator, type Matcher } from '@vigil/core';
import { blockDeviceProperties, diskIoRates, parseDiskStats, type DiskIoFields, type ProcFiles } from '@vigil/host';

export interface DiskIoOptions {
  devices: string[];
  skip_serial_number: boolean;
  device_tags: string[];
  name_templates: string[];
}

/**
 * `devices` entries are globs of kernel names (`sd*`), or /dev paths (`/dev/disk/by-id/…`),
 * which stand for the device the link leads to now. A path that leads nowhere matches nothing.
 */
export function deviceMatcher(devices: string[], root = ''): Matcher | undefined {
  if (devices.length === 0) return undefined;
  const globs = compileGlobs(devices.filter((d) => !d.startsWith('/dev/')));
  const linked = new Set<string>();
  for (const path of devices.filter((d) => d.startsWith('/dev/'))) {
    try {
      linked.add(basename(realpathSync(root + path)));
    } catch {
      // Not there (yet): nothing to match.
    }
  }
  return (name) => linked.has(name) || globs(name);
}

/**
 * The first template whose `$PROPERTY` / `${PROPERTY}` variables are all known for the device,
 * with them filled in; undefined when none is.
 */
export function applyNameTemplates(templates: string[], properties: Map<string, string>): string | undefined {
  for (const template of templates) {
    let complete = true;
    const name = template.replace(/\$(?:\{(\w+)\}|(\w+))/g, (_, braced: string | undefined, bare: string | undefined) => {
      const value = properties.get(braced ?? bare ?? '');
      if (value === undefined) complete = false;
      return value ?? '';
    });
    if (complete) return name;
  }
  return undefined;
}

/**
 * `diskio` counters per block device from /proc/diskstats, with Telegraf's io_await, io_svctm
 * and io_util between this gather and the previous one (sent as a gauge, from the second gather on).
 */
export class DiskIo {
  private previous = new Map<string, { fields: DiskIoFields; at: number }>();
  private readonly devices: Matcher | undefined;
  private readonly wantsUdev: boolean;

  constructor(
    private readonly options: DiskIoOptions,
    root = '',
  ) {
    this.devices = deviceMatcher(options.devices, root);
    this.wantsUdev = !options.skip_serial_number || options.device_tags.length > 0 || options.name_templates.length > 0;
  }

  gather(acc: Accumulator, files: ProcFiles, timestamp: number): void {
    const current = new Map<string, { fields: DiskIoFields; at: number }>();
    for (const { name, major, minor, fields } of parseDiskStats(files.read('/proc/diskstats'))) {
      if (this.devices && !this.devices(name)) continue;
      const tags = this.wantsUdev ? this.udevTags(name, blockDeviceProperties(files, major, minor)) : { name };
      acc.addCounter('diskio', fields, tags, timestamp);
      const before = this.previous.get(name);
      if (before) {
        const rates = diskIoRates(before.fields, fields, timestamp - before.at);
        if (Object.keys(rates).length > 0) acc.addGauge('diskio', rates, tags, timestamp);
      }
      current.set(name, { fields, at: timestamp });
    }
    this.previous = current;
  }

  private udevTags(name: string, properties: Map<string, string>): Record<string, string> {
    const tags: Record<string, string> = { name: applyNameTemplates(this.options.name_templates, properties) ?? name };
    if (!this.options.skip_serial_number) tags.serial = properties.get('ID_SERIAL') || 'unknown';
    for (const key of this.options.device_tags) {
      const value = properties.get(key);
      if (value !== undefined) tags[key] = value;
    }
    return tags;
  }
}
