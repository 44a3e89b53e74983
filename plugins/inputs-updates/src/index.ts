import { defineInput, readSample, type OptionsSchema } from '@vigil/core';
import { aptUpdates } from './apt.js';
import { dnfUpdates } from './dnf.js';
import { detectManager, type Manager } from './package-manager.js';
import { rebootRequired } from './reboot-required.js';

export interface UpdatesOptions {
  manager: 'auto' | Manager;
  /** Milliseconds. */
  check_interval: number;
  /** Milliseconds. */
  timeout: number;
  reboot_required_file: string;
}

const schema: OptionsSchema = {
  type: 'object',
  properties: {
    manager: { enum: ['auto', 'apt', 'dnf'], default: 'auto', description: 'Which package manager to ask. `"auto"`: apt when `apt-get` is on `PATH`, else dnf when `dnf` is; neither is an error, said once.' },
    check_interval: {
      duration: true,
      default: '1h',
      description: 'How often the package manager is asked; gathers in between add nothing. The first gather always asks.',
    },
    timeout: { duration: true, default: '2m', description: 'How long each command may take (dnf may refresh its metadata first); past it the command is killed and the gather fails.' },
    reboot_required_file: { type: 'string', default: '/var/run/reboot-required', description: 'apt: the file update-notifier and unattended-upgrades create when an update needs a reboot.' },
  },
};

export default defineInput<UpdatesOptions>({
  name: 'updates',
  description: 'Pending and security package updates and whether a reboot is required (apt or dnf, simulation only)',
  sample: readSample(import.meta.url),
  schema,
  check(o) {
    if (o.check_interval <= 0) return { option: 'check_interval', message: 'option "check_interval" must be longer than 0s' };
    if (o.timeout <= 0) return { option: 'timeout', message: 'option "timeout" must be longer than 0s' };
  },
  create(ctx) {
    const o = ctx.options;
    let lastCheck = -Infinity;
    let missingSaid = false;
    return {
      async gather(acc) {
        if (Date.now() - lastCheck < o.check_interval) return;
        lastCheck = Date.now();
        const manager = o.manager === 'auto' ? detectManager() : o.manager;
        if (!manager) {
          // Said once: a host without either will not grow one between gathers.
          if (!missingSaid) acc.addError(new Error('neither apt-get nor dnf is on PATH; set "manager" or remove inputs.updates'));
          missingSaid = true;
          return;
        }
        const counts = manager === 'apt' ? await aptUpdates(o.timeout, acc.signal) : await dnfUpdates(o.timeout, acc.signal);
        const reboot = await rebootRequired(manager, o.reboot_required_file, o.timeout, acc.signal);
        acc.addGauge(
          'updates',
          {
            pending: BigInt(counts.packages.length),
            security: BigInt(counts.security.length),
            ...(reboot === undefined ? {} : { reboot_required: reboot }),
            packages: counts.packages.join(','),
            security_packages: counts.security.join(','),
          },
          { manager },
        );
      },
    };
  },
});
