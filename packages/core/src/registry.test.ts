import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineInput, defineOutput } from './sdk/plugin.js';
import { defaultPluginDirectory, Registry } from './registry.js';

const input = (name: string) =>
  defineInput({ name, description: `the ${name} input`, schema: { type: 'object', properties: {} }, sample: '', create: () => ({ gather() {} }) });
const output = (name: string) =>
  defineOutput({ name, description: `the ${name} output`, accepts: ['metric'], schema: { type: 'object', properties: {} }, sample: '', create: () => ({ write() {} }) });

/** A registry with one lazily imported built-in package, counting its imports. */
function withLazyBuiltin() {
  const registry = new Registry();
  const imports = { count: 0 };
  registry.declareBuiltin({
    packageName: '@vigil/inputs-fake',
    plugins: ['inputs.fake'],
    load: async () => {
      imports.count++;
      return { fake: input('fake') };
    },
  });
  return { registry, imports };
}

/** A third-party package folder under node_modules of a temp dir. */
function thirdParty(name: string, manifest: Record<string, unknown>, code: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-registry-'));
  const pkg = join(dir, 'node_modules', name);
  mkdirSync(pkg, { recursive: true });
  writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name, version: '2.0.0', type: 'module', main: 'index.js', ...manifest }));
  writeFileSync(join(pkg, 'index.js'), code);
  return dir;
}

/** A plugin definition as a package outside this repository would export it. */
const outputModule = (name: string) =>
  `export default { kind: 'outputs', name: '${name}', description: 'x', accepts: ['metric'], schema: { type: 'object', properties: {} }, sample: '', create: () => ({}) };\n`;

describe('Registry', () => {
  test('a built-in is known by name before its package is imported, and imported once when loaded', async () => {
    const { registry, imports } = withLazyBuiltin();
    expect(registry.names('inputs')).toEqual(['fake']);
    expect(registry.get('inputs', 'fake')).toBeUndefined();
    expect(imports.count).toBe(0);

    expect((await registry.load('inputs', 'fake'))?.definition.description).toBe('the fake input');
    await registry.load('inputs', 'fake');
    expect(imports.count).toBe(1);
    expect(registry.get('inputs', 'fake')?.packageName).toBe('@vigil/inputs-fake');
  });

  test('a config imports only the built-ins it names', async () => {
    const { registry, imports } = withLazyBuiltin();
    await registry.loadUsedBy([{ outputs: { file: [{}] } }]);
    expect(imports.count).toBe(0);
    await registry.loadUsedBy([{ inputs: { fake: [{}] } }]);
    expect(imports.count).toBe(1);
  });

  test('another package may not take the name of a built-in, imported or not', () => {
    const { registry } = withLazyBuiltin();
    expect(() => registry.add(input('fake'), 'vigil-plugin-impostor')).toThrow(
      'package "vigil-plugin-impostor" provides inputs.fake, which the built-in package "@vigil/inputs-fake" already provides',
    );
    registry.add(output('one'), 'first-package');
    expect(() => registry.add(output('one'), 'second-package')).toThrow('package "second-package" provides outputs.one, which the package "first-package" already provides');
  });

  test('a third-party package whose peer range excludes this SDK is refused before it is imported', async () => {
    const dir = thirdParty('vigil-plugin-old', { peerDependencies: { '@vigil/core': '^0.0.1' } }, 'throw new Error("imported");\n');
    const registry = new Registry();
    await expect(registry.loadPackage('vigil-plugin-old', [dir])).rejects.toThrow(/^package "vigil-plugin-old" 2\.0\.0 needs @vigil\/core \^0\.0\.1, but this vigil's SDK is 0\.1\.0$/);
  });

  test('a third-party package within range registers its plugins with its version', async () => {
    const dir = thirdParty('vigil-plugin-new', { peerDependencies: { '@vigil/core': '>=0.1.0' } }, outputModule('new'));
    const registry = new Registry();
    await registry.loadPackage('vigil-plugin-new', [join(dir, 'elsewhere'), dir]);
    expect(registry.list()).toEqual([{ kind: 'outputs', name: 'new', packageName: 'vigil-plugin-new', builtin: false, description: 'x' }]);
    expect(registry.packageVersion('vigil-plugin-new')).toBe('2.0.0');
  });

  test('a missing package names the folders searched and how to install it', async () => {
    await expect(new Registry().loadPackage('vigil-plugin-absent', ['/nonexistent'])).rejects.toThrow(
      'package "vigil-plugin-absent" is not installed (looked from /nonexistent); `vigil plugins install vigil-plugin-absent` installs it',
    );
  });

  test('the service finds its plugins in its systemd state directory', () => {
    expect(defaultPluginDirectory({ STATE_DIRECTORY: '/var/lib/vigil' })).toBe('/var/lib/vigil/plugins');
  });
});
