import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { readText } from './read-file.js';

export type ContainerRuntime = '' | 'docker' | 'containerd' | 'cri-o' | 'podman' | 'lxc';

export interface ContainerInfo {
  isContainer: boolean;
  runtime: ContainerRuntime;
  /** The 64-hex container id when the host leaks it into cgroup or mount paths, else ''. */
  id: string;
}

const ID = '([0-9a-f]{64})';

/** cgroup path markers, most specific first: containerd under Kubernetes names its scopes `cri-containerd-`. */
const CGROUP_MARKERS: [RegExp, ContainerRuntime][] = [
  [new RegExp(`crio-${ID}`), 'cri-o'],
  [new RegExp(`cri-containerd-${ID}`), 'containerd'],
  [new RegExp(`libpod-(?:conmon-)?${ID}`), 'podman'],
  [new RegExp(`docker[-/]${ID}`), 'docker'],
  [new RegExp(`/containerd/${ID}|containerd-${ID}`), 'containerd'],
  [/\/lxc(?:\.payload)?[./]/, 'lxc'],
];

/**
 * Bind mounts of the runtime's per-container files (hostname, resolv.conf) name the container.
 * Podman and CRI-O share containers/storage: under Kubernetes it is CRI-O (see detectContainer).
 */
const MOUNT_MARKERS: [RegExp, ContainerRuntime][] = [
  [new RegExp(`/docker/containers/${ID}/`), 'docker'],
  [new RegExp(`/overlay-containers/${ID}/userdata`), 'podman'],
  [new RegExp(`/io\\.containerd\\.[^ ]*/sandboxes/${ID}/`), 'containerd'],
];

/** Kubelet mounts each pod's volumes (the service account token at least) from its pods directory. */
const KUBELET_MOUNT = /\/kubelet\/pods\//;

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

function firstMatch(text: string, markers: [RegExp, ContainerRuntime][]): { runtime: ContainerRuntime; id: string } | undefined {
  for (const [pattern, runtime] of markers) {
    const m = pattern.exec(text);
    if (m) return { runtime, id: m.slice(1).find(Boolean) ?? '' };
  }
  return undefined;
}

/** The runtime a `container=` environment variable names (runtimes set it for a container's processes). */
function runtimeNamed(value: string | undefined): ContainerRuntime {
  if (value === 'podman' || value === 'docker' || value === 'lxc') return value;
  if (value === 'oci') return 'cri-o';
  return '';
}

/**
 * Tells whether this process runs in a container, which runtime started it and its id,
 * from the marker files runtimes leave (/.dockerenv, /run/.containerenv), the cgroup of
 * PID 1, the mount table and the `container=` variable. `root` lets tests point at a prepared directory.
 */
export async function detectContainer(root = '/'): Promise<ContainerInfo> {
  const [dockerenv, hasContainerenv, containerenv, cgroup, mountinfo, environ] = await Promise.all([
    exists(join(root, '.dockerenv')),
    exists(join(root, 'run/.containerenv')),
    readText(join(root, 'run/.containerenv')),
    readText(join(root, 'proc/1/cgroup')),
    readText(join(root, 'proc/self/mountinfo')),
    readText(join(root, 'proc/1/environ')),
  ]);
  const fromCgroup = firstMatch(cgroup, CGROUP_MARKERS);
  const fromMounts = firstMatch(mountinfo, MOUNT_MARKERS);
  const podmanId = /^id="?([0-9a-f]{64})"?$/m.exec(containerenv)?.[1] ?? '';

  const inKubernetes = KUBELET_MOUNT.test(mountinfo);
  const storageRuntime: ContainerRuntime = inKubernetes ? 'cri-o' : 'podman';
  // Most specific evidence first: the cgroup path, then the runtimes' marker files and mounts.
  const runtime: ContainerRuntime =
    fromCgroup?.runtime ||
    (hasContainerenv ? storageRuntime : '') ||
    (fromMounts?.runtime === 'podman' ? storageRuntime : fromMounts?.runtime) ||
    (dockerenv ? 'docker' : '') ||
    runtimeNamed(/(?:^|\0)container=([^\0]*)/.exec(environ)?.[1]) ||
    runtimeNamed(process.env.container);

  const id = podmanId || fromCgroup?.id || fromMounts?.id || '';
  return { isContainer: runtime !== '' || id !== '', runtime, id };
}
