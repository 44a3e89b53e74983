import { Registry, type LazyPackage } from '@vigil/core/runtime';

/**
 * The built-in plugin packages, one line each: the plugins each provides are listed here so
 * that a package is imported (with its libraries) only when a config uses one of them.
 * builtins.test.ts checks these lists against what the packages really export.
 */
export const BUILTIN_PACKAGES: LazyPackage[] = [
  { packageName: '@vigil/inputs-docker', plugins: ['inputs.docker'], load: () => import('@vigil/inputs-docker') },
  { packageName: '@vigil/inputs-http', plugins: ['inputs.http', 'inputs.http_response'], load: () => import('@vigil/inputs-http') },
  { packageName: '@vigil/inputs-internal', plugins: ['inputs.internal'], load: () => import('@vigil/inputs-internal') },
  { packageName: '@vigil/inputs-logs', plugins: ['inputs.logs'], load: () => import('@vigil/inputs-logs') },
  { packageName: '@vigil/inputs-updates', plugins: ['inputs.updates'], load: () => import('@vigil/inputs-updates') },
  { packageName: '@vigil/inputs-system', plugins: ['inputs.system', 'inputs.cpu', 'inputs.mem', 'inputs.swap', 'inputs.disk', 'inputs.diskio', 'inputs.net', 'inputs.netstat', 'inputs.processes', 'inputs.kernel'], load: () => import('@vigil/inputs-system') },
  { packageName: '@vigil/outputs-file', plugins: ['outputs.file'], load: () => import('@vigil/outputs-file') },
  { packageName: '@vigil/outputs-heartbeat', plugins: ['outputs.heartbeat'], load: () => import('@vigil/outputs-heartbeat') },
  { packageName: '@vigil/outputs-http', plugins: ['outputs.http'], load: () => import('@vigil/outputs-http') },
  { packageName: '@vigil/outputs-ingest', plugins: ['outputs.ingest'], load: () => import('@vigil/outputs-ingest') },
  { packageName: '@vigil/outputs-mqtt', plugins: ['outputs.mqtt'], load: () => import('@vigil/outputs-mqtt') },
  { packageName: '@vigil/outputs-nats', plugins: ['outputs.nats'], load: () => import('@vigil/outputs-nats') },
  { packageName: '@vigil/outputs-otlp', plugins: ['outputs.otlp'], load: () => import('@vigil/outputs-otlp') },
  { packageName: '@vigil/processors-override', plugins: ['processors.override'], load: () => import('@vigil/processors-override') },
  { packageName: '@vigil/processors-converter', plugins: ['processors.converter'], load: () => import('@vigil/processors-converter') },
  { packageName: '@vigil/processors-dedup', plugins: ['processors.dedup'], load: () => import('@vigil/processors-dedup') },
  { packageName: '@vigil/processors-enum', plugins: ['processors.enum'], load: () => import('@vigil/processors-enum') },
  { packageName: '@vigil/processors-filter', plugins: ['processors.filter'], load: () => import('@vigil/processors-filter') },
  { packageName: '@vigil/processors-parser', plugins: ['processors.parser'], load: () => import('@vigil/processors-parser') },
  { packageName: '@vigil/processors-redact', plugins: ['processors.redact'], load: () => import('@vigil/processors-redact') },
  { packageName: '@vigil/processors-regex', plugins: ['processors.regex'], load: () => import('@vigil/processors-regex') },
  { packageName: '@vigil/processors-rename', plugins: ['processors.rename'], load: () => import('@vigil/processors-rename') },
  { packageName: '@vigil/processors-strings', plugins: ['processors.strings'], load: () => import('@vigil/processors-strings') },
];

/** A registry that knows every built-in plugin; third-party packages are added from the config. */
export function builtinRegistry(): Registry {
  const registry = new Registry();
  for (const pkg of BUILTIN_PACKAGES) registry.declareBuiltin(pkg);
  return registry;
}
