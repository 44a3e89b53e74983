import { readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Logger } from 'pino';
import type { BufferEvents, ItemBuffer } from '../buffers/buffer.js';
import { MemoryBuffer } from '../buffers/memory-buffer.js';
import type { BufferSettings } from '../config/buffer-settings.js';
import type { RunningOutput } from '../pipeline/running-output.js';

/** Passes a buffer's drops to whichever output owns it now: a reload hands buffers on. */
export class DropRelay implements BufferEvents {
  owner?: RunningOutput;

  dropped(count: number, reason: string): void {
    this.owner?.onDropped(count, reason);
  }
}

export interface OwnedBuffer {
  buffer: ItemBuffer;
  relay: DropRelay;
}

/**
 * The output's buffer as configured. A disk buffer that cannot be opened (its directory went
 * away since the config was checked) is logged and replaced by a memory one: the agent runs on.
 */
export async function openBuffer(settings: BufferSettings, output: RunningOutput): Promise<OwnedBuffer> {
  const relay = new DropRelay();
  relay.owner = output;
  if (settings.strategy === 'disk') {
    try {
      // Imported here: an agent with memory buffers only never loads the disk buffer's code.
      const { DiskBuffer } = await import('../buffers/disk/index.js');
      const buffer = await DiskBuffer.open({
        directory: settings.directory,
        limit: settings.limit,
        maxBytes: settings.maxBytes,
        whenFull: settings.whenFull,
        syncIntervalMs: settings.syncIntervalMs,
        log: output.log,
        events: relay,
      });
      return { buffer, relay };
    } catch (err) {
      output.log.error(`cannot open the disk buffer: ${(err as Error).message}; buffering in memory instead`);
    }
  }
  return { buffer: new MemoryBuffer(settings.limit, settings.whenFull, relay), relay };
}

/**
 * Disk buffers under a buffer_directory in use that no configured output owns (an output was
 * renamed or removed) and that still hold items: said once at start, since they are not sent.
 */
export async function reportOrphanedBuffers(settings: BufferSettings[], log: Logger): Promise<void> {
  const disk = settings.filter((s) => s.strategy === 'disk');
  if (disk.length === 0) return;
  const { inspectBuffer } = await import('../buffers/disk/index.js');
  const owned = new Set(disk.map((s) => s.directory));
  for (const root of new Set(disk.map((s) => dirname(s.directory)))) {
    let folders: string[];
    try {
      folders = readdirSync(root, { withFileTypes: true }).filter((e) => e.isDirectory() && e.name !== 'rejected').map((e) => join(root, e.name));
    } catch {
      continue;
    }
    for (const dir of folders.filter((d) => !owned.has(d))) {
      const found = await inspectBuffer(dir).catch(() => undefined);
      if (!found || found.records === 0) continue;
      log.warn(`${dir} holds a disk buffer of ${found.records} items that no configured output uses (was "${basename(dir)}" renamed or removed?); they are not sent. \`vigil buffer inspect\` shows it`);
    }
  }
}
