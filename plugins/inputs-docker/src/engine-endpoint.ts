import { readFileSync } from 'node:fs';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createSecureContext } from 'node:tls';
import { inspect } from 'node:util';
import type Docker from 'dockerode';
import type { DockerOptions } from './options.js';

const DEFAULT_SOCKET = 'unix:///var/run/docker.sock';

/** dockerode's connection options; docker-modem also takes an `agent`, which the typings omit. */
export type ModemOptions = Docker.DockerOptions & { agent?: HttpAgent };

// docker-modem formats each request's options, agent included, to full depth for its debug log
// even when that log is off. An agent describing itself in one word keeps that from costing
// milliseconds per request once it holds dozens of sockets.
class PlainAgent extends HttpAgent {
  [inspect.custom]() {
    return 'http.Agent';
  }
}
class PlainTlsAgent extends HttpsAgent {
  [inspect.custom]() {
    return 'https.Agent';
  }
}

export interface ResolvedEndpoint {
  /** What errors and logs name: the configured endpoint, or the DOCKER_HOST it stands for. */
  label: string;
  modem: ModemOptions;
}

interface TlsFiles {
  ca?: string;
  cert?: string;
  key?: string;
  insecure: boolean;
}

/**
 * Turns the `endpoint` option (or DOCKER_HOST for "ENV") into dockerode's connection options.
 * Every connection key is set explicitly: docker-modem would otherwise merge in DOCKER_HOST
 * from the environment even when a unix socket was configured.
 */
export function resolveEndpoint(o: DockerOptions, env: NodeJS.ProcessEnv = process.env): ResolvedEndpoint {
  let address = o.endpoint;
  let tls: TlsFiles | undefined = tlsFromOptions(o);
  let label = o.endpoint;
  if (o.endpoint === 'ENV') {
    address = env.DOCKER_HOST || DEFAULT_SOCKET;
    label = `${address} (DOCKER_HOST)`;
    if (!tls && env.DOCKER_TLS_VERIFY) {
      const dir = env.DOCKER_CERT_PATH || join(homedir(), '.docker');
      tls = { ca: join(dir, 'ca.pem'), cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem'), insecure: false };
    }
  }
  const base: ModemOptions = { socketPath: undefined, host: undefined, port: undefined, protocol: undefined, ca: undefined, cert: undefined, key: undefined, timeout: undefined, version: undefined };
  // A connection per request (node's global agent would keep them open): an engine that
  // restarts is then seen as it is at the next request, not as a reset of a stale connection.
  if (address.startsWith('unix://')) return { label, modem: { ...base, socketPath: address.slice('unix://'.length), agent: new PlainAgent({ keepAlive: false }) } };

  const url = new URL(address.replace(/^tcp:/, 'http:'));
  if (url.protocol !== 'http:' || !url.port) throw new Error(`${label}: not a unix:// or tcp://host:port address`);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!tls) return { label, modem: { ...base, host, port: url.port, protocol: 'http', agent: new PlainAgent({ keepAlive: false }) } };
  return { label, modem: { ...base, host, port: url.port, protocol: 'https', agent: tlsAgent(tls) } };
}

function tlsFromOptions(o: DockerOptions): TlsFiles | undefined {
  if (!o.tls_ca && !o.tls_cert && !o.tls_key && !o.insecure_skip_verify) return undefined;
  return { ca: o.tls_ca || undefined, cert: o.tls_cert || undefined, key: o.tls_key || undefined, insecure: o.insecure_skip_verify };
}

// The agent carries the TLS settings: docker-modem has no switch for skipping verification.
function tlsAgent(tls: TlsFiles): PlainTlsAgent {
  const read = (path: string | undefined, what: string) => {
    if (!path) return undefined;
    try {
      return readFileSync(path);
    } catch (err) {
      throw new Error(`cannot read the TLS ${what} ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  };
  const files = { ca: read(tls.ca, 'CA'), cert: read(tls.cert, 'certificate'), key: read(tls.key, 'key') };
  try {
    // Unusable files (not PEM, a key that is not the certificate's) are a configuration error
    // now rather than a failure at every gather.
    createSecureContext(files);
  } catch (err) {
    throw new Error(`the TLS files ${[tls.ca, tls.cert, tls.key].filter(Boolean).join(', ')} cannot be used: ${(err as Error).message}`);
  }
  return new PlainTlsAgent({ keepAlive: false, ...files, rejectUnauthorized: !tls.insecure });
}
