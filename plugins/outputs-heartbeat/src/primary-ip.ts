import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';

/** The host's primary address: the first non-internal IPv4, else the first non-internal IPv6. */
export function primaryIp(interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces()): string | undefined {
  const external = Object.values(interfaces)
    .flatMap((list) => list ?? [])
    .filter((a) => !a.internal);
  return (external.find((a) => a.family === 'IPv4') ?? external.find((a) => a.family === 'IPv6'))?.address;
}
