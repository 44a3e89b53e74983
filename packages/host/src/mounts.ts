import { readText } from './read-file.js';

export interface Mount {
  /** "major:minor" of the filesystem: two mounts of one filesystem share it. */
  deviceNumber: string;
  mountPoint: string;
  /** The source as the kernel lists it: `/dev/vda1`, `tmpfs`, `server:/export`. */
  source: string;
  fsType: string;
  readOnly: boolean;
  /**
   * The per-mount and the filesystem's options (`rw`, `relatime`, `errors=remount-ro` …), plus
   * `bind` when the mount shows a subtree of its filesystem, as Telegraf's `ignore_mount_opts` sees them.
   */
  options: string[];
}

/** Telegraf's default `ignore_fs`. */
export const DEFAULT_IGNORE_FS = ['tmpfs', 'devtmpfs', 'devfs', 'iso9660', 'overlay', 'aufs', 'squashfs'];

/**
 * Kernel pseudo filesystems: statfs reports 0 blocks for them, so Telegraf's "size 0" rule
 * leaves them out anyway. Skipping them before statfs spares dozens of calls on a host with
 * containers (one nsfs/cgroup/proc mount each), and does not trigger an autofs mount.
 */
export const PSEUDO_FS = new Set(['proc', 'sysfs', 'cgroup', 'cgroup2', 'devpts', 'mqueue', 'debugfs', 'tracefs', 'securityfs', 'pstore', 'bpf', 'configfs', 'fusectl', 'binfmt_misc', 'autofs', 'nsfs', 'rpc_pipefs', 'selinuxfs']);

/** Filesystems whose blocks live on another machine: not counted as local disk. */
const REMOTE_FS = new Set(['nfs', 'nfs4', 'cifs', 'smb3', 'smbfs', 'sshfs', 'fuse.sshfs', 'glusterfs', 'fuse.glusterfs', 'ceph', 'fuse.ceph', 'lustre', '9p', 'afs', 'davfs', 'fuse.s3fs', 'fuse.rclone']);

export function isRemoteFs(fsType: string): boolean {
  return REMOTE_FS.has(fsType);
}

/**
 * The local filesystems among the mounts, each once however often it is mounted (by device
 * number): neither Telegraf's default ignore_fs, nor pseudo, nor remote filesystems.
 */
export function localFilesystems(mounts: Mount[]): Mount[] {
  const seen = new Set<string>();
  return mounts.filter((m) => {
    if (seen.has(m.deviceNumber) || DEFAULT_IGNORE_FS.includes(m.fsType) || PSEUDO_FS.has(m.fsType) || isRemoteFs(m.fsType)) return false;
    seen.add(m.deviceNumber);
    return true;
  });
}

/** mountinfo escapes space, tab, newline and backslash as octal (`\040`). */
function unescapeOctal(text: string): string {
  return text.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)));
}

/** Parses /proc/<pid>/mountinfo (see proc(5)). */
export function parseMountInfo(text: string): Mount[] {
  const mounts: Mount[] = [];
  for (const line of text.split('\n')) {
    const separator = line.indexOf(' - ');
    if (separator < 0) continue;
    const before = line.slice(0, separator).split(' ');
    const after = line.slice(separator + 3).split(' ');
    if (before.length < 6 || after.length < 2) continue;
    const mountOptions = before[5].split(',');
    const options = [...new Set([...mountOptions, ...(after[2] ?? '').split(',').filter(Boolean)])];
    if (before[3] !== '/') options.push('bind');
    mounts.push({
      deviceNumber: before[2],
      mountPoint: unescapeOctal(before[4]),
      source: unescapeOctal(after[1]),
      fsType: after[0],
      readOnly: mountOptions.includes('ro'),
      options,
    });
  }
  return mounts;
}

export async function readMounts(): Promise<Mount[]> {
  return parseMountInfo(await readText('/proc/self/mountinfo'));
}
