// Real processes: fake apt-get, dnf and needs-restarting scripts on PATH print the output the
// real ones print (fixtures below) and record each call.
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRecordingAccumulator, createTestContext, gatherOnce } from '@vigil/core/testing';
import updates from './index.js';

const APT_SIMULATION = `NOTE: This is only a simulation!
      apt-get needs root privileges for real execution.
Reading package lists...
Building dependency tree...
The following packages will be upgraded:
  curl libssl3 openssl
3 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.
Inst libssl3 [3.0.11-1~deb12u1] (3.0.11-1~deb12u2 Debian-Security:12/stable-security [amd64])
Inst openssl [3.0.11-1~deb12u1] (3.0.11-1~deb12u2 Debian:12.5/stable, Debian-Security:12/stable-security [amd64])
Inst curl [7.88.1-10+deb12u4] (7.88.1-10+deb12u5 Debian:12.5/stable [amd64])
Conf libssl3 (3.0.11-1~deb12u2 Debian-Security:12/stable-security [amd64])
Conf openssl (3.0.11-1~deb12u2 Debian:12.5/stable, Debian-Security:12/stable-security [amd64])
Conf curl (7.88.1-10+deb12u5 Debian:12.5/stable [amd64])
`;

const DNF_CHECK_UPDATE = `
kernel.x86_64                     5.14.0-427.13.1.el9_4          baseos
openssl-libs.x86_64               1:3.0.7-27.el9                 baseos
openssl.x86_64                    1:3.0.7-27.el9                 baseos
Obsoleting Packages
openssl-libs.x86_64               1:3.0.7-27.el9                 baseos
    openssl-libs.x86_64           1:3.0.7-25.el9_3               @baseos
`;

const DNF_SECURITY = `RLSA-2024:2447 Important/Sec. openssl-1:3.0.7-27.el9.x86_64
RLSA-2024:2447 Important/Sec. openssl-libs-1:3.0.7-27.el9.x86_64
RLSA-2024:2448 Moderate/Sec.  openssl-libs-1:3.0.7-27.el9.x86_64
`;

let bin: string;
let savedPath: string | undefined;

beforeEach(() => {
  bin = mkdtempSync(join(tmpdir(), 'vigil-updates-'));
  savedPath = process.env.PATH;
  // Only the fakes: the host's own apt-get or dnf must not be found.
  process.env.PATH = bin;
});
afterEach(() => {
  process.env.PATH = savedPath;
  rmSync(bin, { recursive: true, force: true });
});

/** A script named `name` in the fake bin: records its arguments, prints `output`, exits `code`. */
function fake(name: string, cases: { args: string; output: string; code: number; stderr?: string }[]): void {
  const branches = cases
    .map((c, i) => {
      writeFileSync(join(bin, `${name}.${i}.out`), c.output);
      writeFileSync(join(bin, `${name}.${i}.err`), c.stderr ?? '');
      return `  "${c.args}") /bin/cat "${bin}/${name}.${i}.out"; /bin/cat "${bin}/${name}.${i}.err" >&2; exit ${c.code} ;;`;
    })
    .join('\n');
  const script = `#!/bin/sh\necho "$LC_ALL $*" >> "${bin}/${name}.calls"\ncase "$*" in\n${branches}\n  *) echo "unexpected arguments: $*" >&2; exit 64 ;;\nesac\n`;
  writeFileSync(join(bin, name), script);
  chmodSync(join(bin, name), 0o755);
}

function calls(name: string): string[] {
  const file = join(bin, `${name}.calls`);
  return existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n') : [];
}

describe('inputs.updates', () => {
  it('apt: counts what apt-get -s upgrade would upgrade, the security ones by their suite, and the reboot-required file', async () => {
    fake('apt-get', [{ args: '-s -q upgrade', output: APT_SIMULATION, code: 0 }]);
    const rebootFile = join(bin, 'reboot-required');
    writeFileSync(rebootFile, '*** System restart required ***\n');
    const { metrics, errors } = await gatherOnce(updates, { reboot_required_file: rebootFile });
    expect(errors).toEqual([]);
    expect(metrics.map((m) => ({ name: m.name, tags: m.tags, fields: m.fields, type: m.type }))).toEqual([
      {
        name: 'updates',
        tags: { manager: 'apt' },
        fields: { pending: 3n, security: 2n, reboot_required: true, packages: 'libssl3,openssl,curl', security_packages: 'libssl3,openssl' },
        type: 'gauge',
      },
    ]);
    expect(calls('apt-get')).toEqual(['C -s -q upgrade']);
  });

  it('apt: no reboot-required file is reboot_required = false', async () => {
    fake('apt-get', [{ args: '-s -q upgrade', output: 'Reading package lists...\n0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n', code: 0 }]);
    const { metrics } = await gatherOnce(updates, { reboot_required_file: join(bin, 'absent') });
    expect(metrics[0].fields).toEqual({ pending: 0n, security: 0n, reboot_required: false, packages: '', security_packages: '' });
  });

  it('dnf: counts dnf check-update (exit 100) and dnf updateinfo --security, each package once, and asks needs-restarting -r', async () => {
    fake('dnf', [
      { args: '-q check-update', output: DNF_CHECK_UPDATE, code: 100 },
      { args: '-q updateinfo list --security', output: DNF_SECURITY, code: 0 },
    ]);
    fake('needs-restarting', [{ args: '-r', output: 'Core libraries or services have been updated since boot-up:\n  * kernel\n\nReboot is required to fully utilize these updates.\n', code: 1 }]);
    const { metrics, errors } = await gatherOnce(updates);
    expect(errors).toEqual([]);
    expect(metrics[0].tags).toEqual({ manager: 'dnf' });
    expect(metrics[0].fields).toEqual({ pending: 3n, security: 2n, reboot_required: true, packages: 'kernel,openssl-libs,openssl', security_packages: 'openssl,openssl-libs' });
  });

  it('dnf: no updates (exit 0) and no needs-restarting leaves reboot_required out', async () => {
    fake('dnf', [
      { args: '-q check-update', output: '', code: 0 },
      { args: '-q updateinfo list --security', output: '', code: 0 },
    ]);
    const { metrics } = await gatherOnce(updates, { manager: 'dnf' });
    expect(metrics[0].fields).toEqual({ pending: 0n, security: 0n, packages: '', security_packages: '' });
  });

  it('reports a package manager that fails with its own words', async () => {
    fake('apt-get', [{ args: '-s -q upgrade', output: '', code: 100, stderr: 'E: Could not get lock /var/lib/dpkg/lock-frontend\n' }]);
    const { metrics, errors } = await gatherOnce(updates);
    expect(metrics).toEqual([]);
    expect(errors).toEqual(['apt-get -s upgrade exited with 100: E: Could not get lock /var/lib/dpkg/lock-frontend']);
  });

  it('asks the package manager once per check_interval, and says once that there is none', async () => {
    fake('apt-get', [{ args: '-s -q upgrade', output: APT_SIMULATION, code: 0 }]);
    const plugin = updates.create(createTestContext(updates, {}));
    const acc = createRecordingAccumulator();
    await plugin.gather!(acc);
    await plugin.gather!(acc);
    expect(acc.metrics).toHaveLength(1);
    expect(calls('apt-get')).toHaveLength(1);

    rmSync(join(bin, 'apt-get'));
    const none = updates.create(createTestContext(updates, { check_interval: '1ms' }));
    const noneAcc = createRecordingAccumulator();
    for (let i = 0; i < 3; i++) {
      // Each gather is due: the 1 ms check_interval has passed since the one before.
      const before = Date.now();
      while (Date.now() - before < 2) await new Promise((r) => setImmediate(r));
      await none.gather!(noneAcc);
    }
    expect(noneAcc.errors).toEqual(['neither apt-get nor dnf is on PATH; set "manager" or remove inputs.updates']);
  });
});
