import type { OptionProblem, OptionsSchema } from '@vigil/core';

/** The classes of per-device figures, as Telegraf names them. */
export const DEVICE_CLASSES = ['cpu', 'blkio', 'network'] as const;
export type DeviceClass = (typeof DEVICE_CLASSES)[number];

export interface DockerOptions {
  endpoint: string;
  /** Milliseconds. */
  timeout: number;
  container_name_include: string[];
  container_name_exclude: string[];
  container_state_include: string[];
  container_state_exclude: string[];
  docker_label_include: string[];
  docker_label_exclude: string[];
  perdevice_include: DeviceClass[];
  total_include: DeviceClass[];
  tls_ca: string;
  tls_cert: string;
  tls_key: string;
  insecure_skip_verify: boolean;
}

const globList = (description: string) => ({ type: 'array', items: { type: 'string' }, default: [], description });
const classList = (fallback: DeviceClass[], description: string) => ({
  type: 'array',
  items: { enum: [...DEVICE_CLASSES] },
  uniqueItems: true,
  default: fallback,
  description,
});

export const schema: OptionsSchema = {
  type: 'object',
  properties: {
    endpoint: {
      type: 'string',
      default: 'unix:///var/run/docker.sock',
      description: 'The engine\'s API. `unix:///path` for a socket (rootless Docker: `unix:///run/user/<uid>/docker.sock`), `tcp://host:port` for a remote engine, or `"ENV"`: use `DOCKER_HOST` (default the local socket) and, when `DOCKER_TLS_VERIFY` is set, the `ca.pem`, `cert.pem` and `key.pem` of `DOCKER_CERT_PATH` (default `~/.docker`), as the docker CLI does.',
    },
    timeout: { type: ['string', 'number'], duration: true, default: '5s', description: 'How long each request to the engine (list, info, inspect, stats, events) may take.' },
    container_name_include: globList('Containers to report, by name. Empty reports all. Globs: `*`, `?`, `[abc]`, `{a,b}`.'),
    container_name_exclude: globList('Containers not to report, by name (globs).'),
    container_state_include: globList('Container states to report: `created`, `restarting`, `running`, `removing`, `paused`, `exited`, `dead`. Empty reports every state.'),
    container_state_exclude: globList('Container states not to report (globs).'),
    docker_label_include: globList('Container labels to add as tags (the label\'s key is the tag key). Empty adds every label.'),
    docker_label_exclude: globList('Container labels not to add as tags (globs).'),
    perdevice_include: classList(['cpu'], 'Which figures to report per device: per CPU (`cpu=cpu0` …), per block device (`device=8:0` …), per interface (`network=eth0` …).'),
    total_include: classList(['cpu', 'blkio', 'network'], 'Which figures to report as a total: `cpu=cpu-total` (the engine\'s own total), `device=total` and `network=total` (sums over the devices).'),
    tls_ca: { type: 'string', default: '', description: 'PEM file of the CA that signed the engine certificate (tcp:// endpoints).' },
    tls_cert: { type: 'string', default: '', description: 'PEM file of the client certificate, for an engine running with --tlsverify.' },
    tls_key: { type: 'string', default: '', description: 'PEM file of the client certificate key.' },
    insecure_skip_verify: { type: 'boolean', default: false, description: 'Use TLS but accept any engine certificate.' },
  },
};

const ENDPOINT_FORMS = /^(unix:\/\/\/.+|tcp:\/\/[^/]+:\d+\/?|ENV)$/;

export function checkOptions(o: DockerOptions): OptionProblem[] {
  const problems: OptionProblem[] = [];
  if (!ENDPOINT_FORMS.test(o.endpoint)) {
    problems.push({ option: 'endpoint', message: `option "endpoint" must be "unix:///path", "tcp://host:port" or "ENV", got "${o.endpoint}"` });
  }
  if (o.timeout <= 0) problems.push({ option: 'timeout', message: 'option "timeout" must be more than 0s' });
  const usesTls = Boolean(o.tls_ca || o.tls_cert || o.tls_key || o.insecure_skip_verify);
  if (usesTls && o.endpoint.startsWith('unix://')) {
    const option = o.tls_ca ? 'tls_ca' : o.tls_cert ? 'tls_cert' : o.tls_key ? 'tls_key' : 'insecure_skip_verify';
    problems.push({ option, message: `option "${option}" applies to tcp:// endpoints only; "${o.endpoint}" is a unix socket` });
  }
  if (Boolean(o.tls_cert) !== Boolean(o.tls_key)) {
    const option = o.tls_cert ? 'tls_key' : 'tls_cert';
    problems.push({ option, message: 'options "tls_cert" and "tls_key" go together: set both or neither' });
  }
  return problems;
}
