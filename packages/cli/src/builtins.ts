import { isPluginDefinition } from '@vigil/core';
import { Registry } from '@vigil/core/runtime';
import * as inputsDocker from '@vigil/inputs-docker';
import * as inputsHttp from '@vigil/inputs-http';
import * as inputsInternal from '@vigil/inputs-internal';
import * as inputsLogs from '@vigil/inputs-logs';
import * as inputsSystem from '@vigil/inputs-system';
import * as outputsFile from '@vigil/outputs-file';
import * as outputsHeartbeat from '@vigil/outputs-heartbeat';
import * as outputsHttp from '@vigil/outputs-http';
import * as outputsMqtt from '@vigil/outputs-mqtt';
import * as outputsNats from '@vigil/outputs-nats';
import * as outputsOtlp from '@vigil/outputs-otlp';
import * as processorsOverride from '@vigil/processors-override';

const BUILTIN_PACKAGES: Record<string, Record<string, unknown>> = {
  '@vigil/inputs-docker': inputsDocker,
  '@vigil/inputs-http': inputsHttp,
  '@vigil/inputs-internal': inputsInternal,
  '@vigil/inputs-logs': inputsLogs,
  '@vigil/inputs-system': inputsSystem,
  '@vigil/outputs-file': outputsFile,
  '@vigil/outputs-heartbeat': outputsHeartbeat,
  '@vigil/outputs-http': outputsHttp,
  '@vigil/outputs-mqtt': outputsMqtt,
  '@vigil/outputs-nats': outputsNats,
  '@vigil/outputs-otlp': outputsOtlp,
  '@vigil/processors-override': processorsOverride,
};

/** A registry holding every built-in plugin; third-party packages are added from the config. */
export function builtinRegistry(): Registry {
  const registry = new Registry();
  for (const [packageName, exports] of Object.entries(BUILTIN_PACKAGES)) {
    for (const value of Object.values(exports)) if (isPluginDefinition(value)) registry.add(value, packageName);
  }
  return registry;
}
