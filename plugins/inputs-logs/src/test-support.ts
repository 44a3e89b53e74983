/** Helpers for this plugin's tests: real files in a temp dir, the plugin run as the agent runs it. */
import { mkdtempSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LogRecord, PluginState } from '@vigil/core';
import { createRecordingAccumulator, createTestContext, memoryState, type DeliveryControl } from '@vigil/core/testing';
import logs, { type LogsOptions } from './index.js';

export function makeTempDir(): { dir: string; path(name: string): string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-logs-'));
  return { dir, path: (name) => join(dir, name), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface Running {
  /** Every record handed to the accumulator, in order. */
  records: LogRecord[];
  /** Messages the plugin logged (warnings about files it skips). */
  logged(): string[];
  stop(): Promise<void>;
  state: PluginState;
  /** The delivery groups handed on; with `holdDeliveries` they stay pending until settled here. */
  deliveries: DeliveryControl;
}

export interface StartOptions {
  state?: PluginState;
  intervalMs?: number;
  /** Keep delivery groups pending until `deliveries.settle()`, as outputs that have not written yet. */
  holdDeliveries?: boolean;
}

/** Creates the plugin with `options` and starts it, as the agent would. */
export async function startLogs(options: Record<string, unknown>, { state = memoryState(), intervalMs = 60_000, holdDeliveries = false }: StartOptions = {}): Promise<Running> {
  const ctx = createTestContext<LogsOptions>(logs, { flush_interval: '50ms', ...options }, { state, intervalMs });
  const plugin = logs.create(ctx);
  const acc = createRecordingAccumulator({ holdDeliveries });
  await plugin.start!(acc);
  return {
    records: acc.logs,
    logged: () => ctx.ring.entries(0).map((e) => e.message),
    stop: async () => {
      await plugin.stop!();
    },
    state,
    deliveries: acc.deliveries,
  };
}

/** Waits until `condition` holds (checked every 10 ms); fails after `timeoutMs` with `what`. */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function messages(records: LogRecord[]): string[] {
  return records.map((r) => r.message);
}

/** What this process's open descriptors point at (a deleted file shows as "path (deleted)"). */
export function openDescriptors(): string[] {
  return readdirSync('/proc/self/fd').flatMap((fd) => {
    try {
      return [readlinkSync(`/proc/self/fd/${fd}`)];
    } catch {
      return [];
    }
  });
}

/**
 * Per test of the file it is called in: a fresh temp dir (`tmp`), and `start`/`stop` for
 * plugin instances, every one still running stopped after the test and the dir removed.
 */
export function perTest() {
  let current: ReturnType<typeof makeTempDir> | undefined;
  let running: Running[] = [];
  beforeEach(() => {
    current = makeTempDir();
    running = [];
  });
  afterEach(async () => {
    for (const r of running) await r.stop();
    current!.remove();
  });
  const tmp = {
    get dir() {
      return current!.dir;
    },
    path: (name: string) => current!.path(name),
  };
  const start = async (options: Record<string, unknown>, extra?: StartOptions): Promise<Running> => {
    const r = await startLogs(options, extra);
    running.push(r);
    return r;
  };
  const stop = async (r: Running): Promise<void> => {
    running = running.filter((x) => x !== r);
    await r.stop();
  };
  return { tmp, start, stop };
}
