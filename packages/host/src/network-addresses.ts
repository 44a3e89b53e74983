import { networkInterfaces } from 'node:os';

type InterfaceMap = ReturnType<typeof networkInterfaces>;

/** Addresses other hosts can reach: loopback and IPv6 link-local (fe80::/10) are left out. */
export function reachableAddresses(interfaces: InterfaceMap = networkInterfaces()): string[] {
  const out: string[] = [];
  for (const addresses of Object.values(interfaces)) {
    for (const a of addresses ?? []) {
      if (a.internal || (a.family === 'IPv6' && /^fe[89ab]/i.test(a.address))) continue;
      out.push(a.address);
    }
  }
  return out;
}

/** The interface of the IPv4 default route with the lowest metric, from /proc/net/route. */
export function defaultRouteInterface(routeTable: string): string {
  let best = '';
  let bestMetric = Infinity;
  for (const line of routeTable.split('\n').slice(1)) {
    const [iface, destination, , , , , metric, mask] = line.trim().split(/\s+/);
    if (destination !== '00000000' || mask !== '00000000') continue;
    if (Number(metric) < bestMetric) {
      best = iface;
      bestMetric = Number(metric);
    }
  }
  return best;
}

/** The IPv4 address of the default-route interface, else the first reachable address. */
export function primaryAddress(routeTable: string, interfaces: InterfaceMap = networkInterfaces()): string {
  const routed = interfaces[defaultRouteInterface(routeTable)]?.find((a) => a.family === 'IPv4' && !a.internal);
  if (routed) return routed.address;
  const reachable = reachableAddresses(interfaces);
  return reachable.find((a) => !a.includes(':')) ?? reachable[0] ?? '';
}
