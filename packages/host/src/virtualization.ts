import { join } from 'node:path';
import { readText } from './read-file.js';

/**
 * DMI strings (vendor, product, board, BIOS) that name a hypervisor, checked in this order.
 * EC2 Nitro and Compute Engine are KVM underneath; the cloud provider is reported apart.
 */
const DMI_VENDORS: [RegExp, string][] = [
  [/\b(KVM|QEMU|OpenStack|Bochs|Amazon EC2|Google Compute Engine)\b/i, 'kvm'],
  [/VMware/i, 'vmware'],
  [/VirtualBox|innotek/i, 'virtualbox'],
  [/\bXen\b/i, 'xen'],
  [/Parallels/i, 'parallels'],
  [/Microsoft Corporation[^]*Virtual Machine/i, 'hyper-v'],
  [/Apple Virtualization/i, 'apple'],
];

const DMI_FILES = ['sys_vendor', 'product_name', 'board_vendor', 'bios_vendor'];

/** Clock sources only a hypervisor offers its guests. */
const CLOCKSOURCES: [string, string][] = [
  ['kvm-clock', 'kvm'],
  ['xen', 'xen'],
  ['hyperv_clocksource', 'hyper-v'],
  ['vmware-tsc', 'vmware'],
];

/**
 * Names the hypervisor this machine runs under ('' on bare metal): DMI strings first, then
 * /sys/hypervisor/type, then hypervisor clock sources, then the CPU's `hypervisor` flag
 * ("vm-other" when nothing names it). Reads files only; `root` lets tests use a prepared tree.
 */
export async function detectVirtualization(root = '/'): Promise<string> {
  const dmi = await Promise.all(DMI_FILES.map((f) => readText(join(root, 'sys/class/dmi/id', f))));
  const dmiText = dmi.map((s) => s.trim()).join('\n');
  for (const [pattern, name] of DMI_VENDORS) if (pattern.test(dmiText)) return name;

  const hypervisorType = (await readText(join(root, 'sys/hypervisor/type'))).trim();
  if (hypervisorType) return hypervisorType;

  const cpuinfo = await readText(join(root, 'proc/cpuinfo'));
  if (!/^flags\s*:.*\bhypervisor\b/m.test(cpuinfo)) return '';
  const clocks = (await readText(join(root, 'sys/devices/system/clocksource/clocksource0/available_clocksource'))).split(/\s+/);
  for (const [clock, name] of CLOCKSOURCES) if (clocks.some((c) => c.startsWith(clock))) return name;
  return 'vm-other';
}
