import type { Metric } from '@vigil/core';
import type { EventFacts } from './events.js';

function count(value: unknown): number {
  return typeof value === 'bigint' ? Number(value) : typeof value === 'number' ? value : 0;
}

/** The PatchCompliance event of an inputs.updates sample. */
export function patchCompliance(m: Metric): EventFacts {
  const pending = count(m.fields.pending);
  const security = count(m.fields.security);
  const rebootRequired = m.fields.reboot_required === true;
  return {
    type: 'PatchCompliance',
    severity: security > 0 || rebootRequired ? 'warning' : 'info',
    data: {
      manager: m.tags.manager ?? '',
      pendingUpdates: pending,
      securityUpdates: security,
      rebootRequired,
      compliant: pending === 0 && !rebootRequired,
      ...(typeof m.fields.packages === 'string' && m.fields.packages ? { packages: m.fields.packages.split(',') } : {}),
    },
  };
}
