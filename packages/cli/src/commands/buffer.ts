import { bufferSettings, formatSize, type Registry } from '@vigil/core/runtime';
import { inspectBuffer } from '@vigil/core/disk-buffer';
import { loadFromFlags, type SourceFlags } from '../load.js';
import { formatTable } from '../table.js';
import { UsageError } from '../usage.js';

/** `vigil buffer inspect`: what each disk-buffered output holds, read without changing a file. */
export async function buffer(action: string | undefined, flags: SourceFlags, registry: Registry): Promise<number> {
  if (action !== 'inspect') throw new UsageError(action ? `unknown buffer action "${action}"; expected "inspect"` : 'buffer needs an action: vigil buffer inspect');
  const config = await loadFromFlags(flags, registry);
  const rows: string[][] = [];
  for (const pc of config.outputs) {
    const settings = bufferSettings(config.agent, pc);
    if (settings.strategy !== 'disk') {
      rows.push([pc.id, 'memory', '-', '-', '-', '-', '-', '-']);
      continue;
    }
    const found = await inspectBuffer(settings.directory);
    const age = found.oldestAt === undefined ? '-' : `${Math.max(0, Math.round((Date.now() - found.oldestAt) / 1000))}s`;
    rows.push([pc.id, 'disk', settings.directory, String(found.segments), String(found.records), formatSize(found.bytes), age, String(found.damagedRecords)]);
  }
  if (rows.length === 0) {
    process.stderr.write('vigil: the configuration has no outputs\n');
    return 1;
  }
  process.stdout.write(formatTable(['output', 'buffer', 'directory', 'segments', 'records', 'bytes', 'oldest', 'damaged'], rows));
  return 0;
}
