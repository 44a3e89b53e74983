import { fakeRoot, removeFakeRoots } from '@vigil/core/testing';
import { detectContainer } from './container.js';

const ID = 'a3f1c2d4e5b6978812345678901234567890abcdefabcdefabcdefabcdef0123';
afterAll(removeFakeRoots);

const HOST_CGROUP = '0::/init.scope\n';
const HOST_MOUNTS = '27 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n';

describe('container detection', () => {
  const savedContainerEnv = process.env.container;
  beforeEach(() => delete process.env.container);
  afterAll(() => {
    if (savedContainerEnv !== undefined) process.env.container = savedContainerEnv;
  });

  test('a host with no container markers is not a container', async () => {
    const root = fakeRoot({ 'proc/1/cgroup': HOST_CGROUP, 'proc/self/mountinfo': HOST_MOUNTS });
    expect(await detectContainer(root)).toEqual({ isContainer: false, runtime: '', id: '' });
  });

  test('docker under cgroup v1: the runtime and id come from the cgroup path', async () => {
    const root = fakeRoot({ '.dockerenv': '', 'proc/1/cgroup': `12:memory:/docker/${ID}\n11:cpu:/docker/${ID}\n`, 'proc/self/mountinfo': HOST_MOUNTS });
    expect(await detectContainer(root)).toEqual({ isContainer: true, runtime: 'docker', id: ID });
  });

  test('docker under cgroup v2 with a private cgroup namespace: the id comes from the hostname bind mount', async () => {
    const mounts = `${HOST_MOUNTS}612 600 254:0 /var/lib/docker/containers/${ID}/hostname /etc/hostname rw,relatime - ext4 /dev/vda rw\n`;
    const root = fakeRoot({ '.dockerenv': '', 'proc/1/cgroup': '0::/\n', 'proc/self/mountinfo': mounts });
    expect(await detectContainer(root)).toEqual({ isContainer: true, runtime: 'docker', id: ID });
  });

  test('/.dockerenv alone says docker, with no id', async () => {
    const root = fakeRoot({ '.dockerenv': '', 'proc/1/cgroup': '0::/\n', 'proc/self/mountinfo': HOST_MOUNTS });
    expect(await detectContainer(root)).toEqual({ isContainer: true, runtime: 'docker', id: '' });
  });

  test('podman: /run/.containerenv, and the id it records', async () => {
    const root = fakeRoot({ 'run/.containerenv': `engine="podman-4.9.3"\nname="web"\nid="${ID}"\n`, 'proc/1/cgroup': '0::/\n', 'proc/self/mountinfo': HOST_MOUNTS });
    expect(await detectContainer(root)).toEqual({ isContainer: true, runtime: 'podman', id: ID });
  });

  test('cri-o in Kubernetes: the crio- scope names the runtime and the container', async () => {
    const root = fakeRoot({ 'proc/1/cgroup': `0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1234.slice/crio-${ID}.scope\n`, 'proc/self/mountinfo': HOST_MOUNTS });
    expect(await detectContainer(root)).toEqual({ isContainer: true, runtime: 'cri-o', id: ID });
  });

  test('containerd in Kubernetes: the cri-containerd- scope names the runtime and the container', async () => {
    const root = fakeRoot({ 'proc/1/cgroup': `0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod99.slice/cri-containerd-${ID}.scope\n`, 'proc/self/mountinfo': HOST_MOUNTS });
    expect(await detectContainer(root)).toEqual({ isContainer: true, runtime: 'containerd', id: ID });
  });

  test('cri-o under cgroup v2 with a private namespace: containers/storage mounts in a Kubernetes pod', async () => {
    const mounts = [
      HOST_MOUNTS.trim(),
      `700 690 254:0 /var/lib/containers/storage/overlay-containers/${ID}/userdata/hostname /etc/hostname rw - ext4 /dev/vda rw`,
      '701 690 0:55 / /var/run/secrets/kubernetes.io/serviceaccount ro - tmpfs tmpfs rw',
      '702 690 254:0 /var/lib/kubelet/pods/5f0c/etc-hosts /etc/hosts rw - ext4 /dev/vda rw',
    ].join('\n');
    const root = fakeRoot({ 'proc/1/cgroup': '0::/\n', 'proc/self/mountinfo': mounts });
    expect(await detectContainer(root)).toEqual({ isContainer: true, runtime: 'cri-o', id: ID });
  });

  test('the same containers/storage mount outside Kubernetes is podman', async () => {
    const mounts = `${HOST_MOUNTS}700 690 254:0 /home/u/.local/share/containers/storage/overlay-containers/${ID}/userdata/hostname /etc/hostname rw - ext4 /dev/vda rw\n`;
    const root = fakeRoot({ 'proc/1/cgroup': '0::/\n', 'proc/self/mountinfo': mounts });
    expect(await detectContainer(root)).toEqual({ isContainer: true, runtime: 'podman', id: ID });
  });

  test('lxc: the payload cgroup names the runtime', async () => {
    const root = fakeRoot({ 'proc/1/cgroup': '0::/lxc.payload.web01/init.scope\n', 'proc/self/mountinfo': HOST_MOUNTS });
    expect(await detectContainer(root)).toEqual({ isContainer: true, runtime: 'lxc', id: '' });
  });

  test('the container= variable of PID 1 names the runtime when nothing else does', async () => {
    const root = fakeRoot({ 'proc/1/cgroup': '0::/\n', 'proc/self/mountinfo': HOST_MOUNTS, 'proc/1/environ': 'PATH=/usr/bin\0container=podman\0HOME=/' });
    expect(await detectContainer(root)).toEqual({ isContainer: true, runtime: 'podman', id: '' });
  });
});
