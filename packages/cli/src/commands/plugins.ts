import type { Registry } from '@vigil/core/runtime';
import { formatTable } from '../table.js';

/** Lists every plugin with its kind and package. */
export function plugins(registry: Registry): number {
  const rows = registry.list().map(({ definition: d, packageName }) => [`${d.kind}.${d.name}`, packageName, d.description]);
  process.stdout.write(formatTable(['plugin', 'package', 'description'], rows));
  return 0;
}
