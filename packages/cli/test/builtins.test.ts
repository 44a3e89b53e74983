import { pluginDefinitionsOf } from '@vigil/core/runtime';
import { BUILTIN_PACKAGES, builtinRegistry } from '../src/builtins.js';

describe('built-in plugin list', () => {
  test.each(BUILTIN_PACKAGES.map((p) => [p.packageName, p]))('%s exports exactly the plugins listed for it', async (_, pkg) => {
    const exported = pluginDefinitionsOf(await pkg.load()).map((d) => `${d.kind}.${d.name}`);
    expect(exported.sort()).toEqual([...pkg.plugins].sort());
  });

  test('no two built-in packages list the same plugin', () => {
    const all = BUILTIN_PACKAGES.flatMap((p) => p.plugins);
    expect(all.length).toBe(new Set(all).size);
    expect(builtinRegistry().list().length).toBe(all.length);
  });
});
