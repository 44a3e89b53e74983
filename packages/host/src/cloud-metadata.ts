/**
 * Which cloud this machine runs in, asked of the instance metadata services (AWS IMDSv2,
 * GCP, Azure IMDS). All three are probed at once under one deadline; the answer is cached for
 * the life of the process, a failed look-up for FAILURE_TTL_MS so a host outside any cloud
 * pays the timeout rarely.
 */
export type CloudProvider = '' | 'aws' | 'gcp' | 'azure';

export interface CloudIdentity {
  provider: CloudProvider;
  instanceId: string;
  instanceType: string;
  region: string;
  zone: string;
}

export interface MetadataEndpoints {
  aws?: string;
  gcp?: string;
  azure?: string;
}

/** The link-local address every provider serves its metadata on. */
export const DEFAULT_METADATA_ENDPOINTS: Required<MetadataEndpoints> = {
  aws: 'http://169.254.169.254',
  gcp: 'http://169.254.169.254',
  azure: 'http://169.254.169.254',
};
export const DEFAULT_METADATA_TIMEOUT_MS = 1000;
const FAILURE_TTL_MS = 10 * 60_000;
const AZURE_API_VERSION = '2021-02-01';

export const NO_CLOUD: CloudIdentity = { provider: '', instanceId: '', instanceType: '', region: '', zone: '' };

function base(url: string): string {
  return url.replace(/\/+$/, '');
}

async function fetchText(url: string, init: RequestInit, signal: AbortSignal, check?: (r: Response) => boolean): Promise<string> {
  const response = await fetch(url, { ...init, signal, redirect: 'error' });
  const body = await response.text();
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  if (check && !check(response)) throw new Error(`${url}: not a metadata server`);
  return body.trim();
}

/** IMDSv2: a session token first (PUT), then one GET per value. */
async function probeAws(endpoint: string, signal: AbortSignal): Promise<CloudIdentity> {
  const url = base(endpoint);
  const token = await fetchText(`${url}/latest/api/token`, { method: 'PUT', headers: { 'X-aws-ec2-metadata-token-ttl-seconds': '60' } }, signal);
  const get = (path: string) => fetchText(`${url}/latest/meta-data/${path}`, { headers: { 'X-aws-ec2-metadata-token': token } }, signal);
  const [instanceId, instanceType, zone] = await Promise.all([get('instance-id'), get('instance-type'), get('placement/availability-zone')]);
  // placement/region is missing on old instances; the zone minus its letter is the region.
  const region = await get('placement/region').catch(() => zone.replace(/[a-z]$/, ''));
  if (!instanceId) throw new Error('aws: empty instance id');
  return { provider: 'aws', instanceId, instanceType, region, zone };
}

/** GCP answers only requests carrying Metadata-Flavor: Google, and says so in its reply. */
async function probeGcp(endpoint: string, signal: AbortSignal): Promise<CloudIdentity> {
  const url = `${base(endpoint)}/computeMetadata/v1/instance`;
  const isGoogle = (r: Response) => r.headers.get('metadata-flavor') === 'Google';
  const get = (path: string) => fetchText(`${url}/${path}`, { headers: { 'Metadata-Flavor': 'Google' } }, signal, isGoogle);
  const [instanceId, machineType, zonePath] = await Promise.all([get('id'), get('machine-type'), get('zone')]);
  // machine-type and zone come as "projects/<n>/machineTypes/e2-small", "projects/<n>/zones/europe-west1-b".
  const zone = zonePath.split('/').pop() ?? '';
  if (!instanceId) throw new Error('gcp: empty instance id');
  return { provider: 'gcp', instanceId, instanceType: machineType.split('/').pop() ?? '', region: zone.replace(/-[a-z]$/, ''), zone };
}

/** Azure IMDS: Metadata: true and an api-version, one JSON document. */
async function probeAzure(endpoint: string, signal: AbortSignal): Promise<CloudIdentity> {
  const text = await fetchText(`${base(endpoint)}/metadata/instance/compute?api-version=${AZURE_API_VERSION}&format=json`, { headers: { Metadata: 'true' } }, signal);
  const compute = JSON.parse(text) as { vmId?: string; vmSize?: string; location?: string; zone?: string };
  if (!compute.vmId) throw new Error('azure: no vmId');
  return { provider: 'azure', instanceId: compute.vmId, instanceType: compute.vmSize ?? '', region: compute.location ?? '', zone: compute.zone ?? '' };
}

const cache = new Map<string, { value: Promise<CloudIdentity>; expires: number }>();

async function lookUp(endpoints: Required<MetadataEndpoints>, timeoutMs: number): Promise<CloudIdentity> {
  // The first provider to answer wins; the others are cancelled rather than left to time out.
  const settled = new AbortController();
  const signal = AbortSignal.any([AbortSignal.timeout(timeoutMs), settled.signal]);
  const probes = [probeAws(endpoints.aws, signal), probeGcp(endpoints.gcp, signal), probeAzure(endpoints.azure, signal)];
  try {
    return await Promise.any(probes);
  } catch {
    return NO_CLOUD;
  } finally {
    settled.abort();
  }
}

/** The cloud identity of this machine, NO_CLOUD when no metadata service answers in time. */
export function getCloudIdentity(endpoints: MetadataEndpoints = {}, timeoutMs = DEFAULT_METADATA_TIMEOUT_MS): Promise<CloudIdentity> {
  const resolved = { ...DEFAULT_METADATA_ENDPOINTS, ...Object.fromEntries(Object.entries(endpoints).filter(([, v]) => v)) };
  const key = JSON.stringify([resolved.aws, resolved.gcp, resolved.azure]);
  const now = Date.now();
  const hit = cache.get(key);
  if (hit && hit.expires > now) return hit.value;
  const value = lookUp(resolved, timeoutMs);
  cache.set(key, { value, expires: Infinity });
  // Concurrent callers share the pending look-up; a miss is retried only after FAILURE_TTL_MS.
  void value.then((identity) => {
    if (identity.provider === '') cache.set(key, { value, expires: Date.now() + FAILURE_TTL_MS });
  });
  return value;
}
