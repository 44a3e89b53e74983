import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeMetadataServer {
  url: string;
  /** "METHOD /path" of every request received. */
  requests: string[];
  close(): Promise<void>;
}

type Handler = (req: IncomingMessage) => { status?: number; headers?: Record<string, string>; body: string } | 'hang';

/** An HTTP server on 127.0.0.1 answering like one cloud's metadata service. */
export async function startMetadataServer(handle: Handler): Promise<FakeMetadataServer> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const answer = handle(req);
    if (answer === 'hang') return;
    res.writeHead(answer.status ?? 200, answer.headers ?? {});
    res.end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const AWS_TOKEN = 'fake-imds-token';

/** AWS IMDSv2: a token from PUT /latest/api/token, required on every GET. */
export const awsHandler: Handler = (req) => {
  if (req.method === 'PUT' && req.url === '/latest/api/token') {
    if (!req.headers['x-aws-ec2-metadata-token-ttl-seconds']) return { status: 400, body: '' };
    return { body: AWS_TOKEN };
  }
  if (req.headers['x-aws-ec2-metadata-token'] !== AWS_TOKEN) return { status: 401, body: '' };
  const values: Record<string, string> = {
    '/latest/meta-data/instance-id': 'i-0abc123def4567890',
    '/latest/meta-data/instance-type': 't3.micro',
    '/latest/meta-data/placement/availability-zone': 'eu-west-1b',
    '/latest/meta-data/placement/region': 'eu-west-1',
  };
  const body = values[req.url ?? ''];
  return body === undefined ? { status: 404, body: '' } : { body };
};

/** GCP: answers only requests with Metadata-Flavor: Google, and says Metadata-Flavor: Google. */
export const gcpHandler: Handler = (req) => {
  if (req.headers['metadata-flavor'] !== 'Google') return { status: 403, body: '' };
  const values: Record<string, string> = {
    '/computeMetadata/v1/instance/id': '4520031799277581759',
    '/computeMetadata/v1/instance/machine-type': 'projects/123456/machineTypes/e2-small',
    '/computeMetadata/v1/instance/zone': 'projects/123456/zones/europe-west1-b',
  };
  const body = values[req.url ?? ''];
  return body === undefined ? { status: 404, body: '' } : { headers: { 'Metadata-Flavor': 'Google' }, body };
};

/** Azure IMDS: Metadata: true and an api-version, else 400. */
export const azureHandler: Handler = (req) => {
  const url = new URL(req.url ?? '/', 'http://x');
  if (req.headers.metadata !== 'true' || !url.searchParams.get('api-version')) return { status: 400, body: '' };
  if (url.pathname !== '/metadata/instance/compute') return { status: 404, body: '' };
  return {
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ vmId: '02aab8a4-74ef-476e-8182-f6d2ba4166a6', vmSize: 'Standard_B2s', location: 'westeurope', zone: '2' }),
  };
};

/** Not any cloud: 404 for everything. */
export const nobodyHandler: Handler = () => ({ status: 404, body: '' });
