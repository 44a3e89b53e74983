import { fakeRoot, removeFakeRoots } from '@vigil/core/testing';
import { detectVirtualization } from './virtualization.js';

afterAll(removeFakeRoots);

const BARE_CPU = 'processor\t: 0\nflags\t\t: fpu vme de pse tsc msr\n';
const GUEST_CPU = 'processor\t: 0\nflags\t\t: fpu vme de pse tsc msr hypervisor lahf_lm\n';
const dmi = (vendor: string, product: string) => ({ 'sys/class/dmi/id/sys_vendor': `${vendor}\n`, 'sys/class/dmi/id/product_name': `${product}\n`, 'proc/cpuinfo': GUEST_CPU });

describe('virtualization detection', () => {
  test.each([
    ['QEMU', 'Standard PC (Q35 + ICH9, 2009)', 'kvm'],
    ['Amazon EC2', 't3.micro', 'kvm'],
    ['Google', 'Google Compute Engine', 'kvm'],
    ['VMware, Inc.', 'VMware Virtual Platform', 'vmware'],
    ['innotek GmbH', 'VirtualBox', 'virtualbox'],
    ['Xen', 'HVM domU', 'xen'],
    ['Microsoft Corporation', 'Virtual Machine', 'hyper-v'],
  ])('DMI vendor %s, product %s: %s', async (vendor, product, expected) => {
    expect(await detectVirtualization(fakeRoot(dmi(vendor, product)))).toBe(expected);
  });

  test('bare metal: a real vendor and no hypervisor flag', async () => {
    expect(await detectVirtualization(fakeRoot({ 'sys/class/dmi/id/sys_vendor': 'Dell Inc.\n', 'sys/class/dmi/id/product_name': 'PowerEdge R640\n', 'proc/cpuinfo': BARE_CPU }))).toBe('');
  });

  test('a Microsoft laptop is not Hyper-V', async () => {
    expect(await detectVirtualization(fakeRoot({ 'sys/class/dmi/id/sys_vendor': 'Microsoft Corporation\n', 'sys/class/dmi/id/product_name': 'Surface Laptop 5\n', 'proc/cpuinfo': BARE_CPU }))).toBe('');
  });

  test('without DMI (a microVM), the kvm-clock clock source names KVM', async () => {
    const root = fakeRoot({ 'proc/cpuinfo': GUEST_CPU, 'sys/devices/system/clocksource/clocksource0/available_clocksource': 'tsc kvm-clock \n' });
    expect(await detectVirtualization(root)).toBe('kvm');
  });

  test('a Xen guest says so in /sys/hypervisor/type', async () => {
    expect(await detectVirtualization(fakeRoot({ 'sys/hypervisor/type': 'xen\n', 'proc/cpuinfo': GUEST_CPU }))).toBe('xen');
  });

  test('the hypervisor CPU flag with nothing naming the hypervisor gives vm-other', async () => {
    expect(await detectVirtualization(fakeRoot({ 'proc/cpuinfo': GUEST_CPU, 'sys/devices/system/clocksource/clocksource0/available_clocksource': 'tsc hpet\n' }))).toBe('vm-other');
  });
});
