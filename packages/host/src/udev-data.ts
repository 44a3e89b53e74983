import type { ProcFiles } from './proc-files.js';

/**
 * The udev properties of a block device, from udev's database (/run/udev/data/b<major>:<minor>):
 * `E:KEY=value` lines are properties, `S:` lines the device's links (given as DEVLINKS, space
 * separated, as `udevadm info -q property` shows them). Empty when udev keeps no record.
 */
export function blockDeviceProperties(files: ProcFiles, major: number, minor: number): Map<string, string> {
  const properties = new Map<string, string>();
  const links: string[] = [];
  for (const line of (files.readOptional(`/run/udev/data/b${major}:${minor}`) ?? '').split('\n')) {
    if (line.startsWith('E:')) {
      const equals = line.indexOf('=');
      if (equals > 2) properties.set(line.slice(2, equals), line.slice(equals + 1));
    } else if (line.startsWith('S:')) {
      links.push(`/dev/${line.slice(2)}`);
    }
  }
  if (links.length > 0 && !properties.has('DEVLINKS')) properties.set('DEVLINKS', links.join(' '));
  return properties;
}
