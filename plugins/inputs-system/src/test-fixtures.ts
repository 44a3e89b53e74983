import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FieldValue, Metric } from '@vigil/core';
import { checkOptions, createRecordingAccumulator } from '@vigil/core/testing';
import type { StatfsResult } from '@vigil/host';
import { createHostGatherer } from './host-gatherer.js';
import * as definitions from './index.js';
import { defaultGroupOptions, type Group, type GroupOptions, type SystemOptions } from './options.js';

/**
 * One folder of testcases/, as Telegraf's testcases are laid out:
 *   config.json   {"plugin": "cpu", "options": {...}, "elapsed_ms": 10000}
 *   root/         the fake / the first gather reads (proc/stat, sys/class/net/…)
 *   second/       files laid over root/ before a second gather (cpu and diskio measure between two)
 *   statfs.json   statfs(2) results by mount point; a mount point missing from it fails with ENOENT
 *   expected.out  what the last gather sends, one metric per line, written by hand
 */
export const TESTCASES = new URL('../testcases/', import.meta.url).pathname;

interface CaseConfig {
  plugin: string;
  options?: Record<string, unknown>;
  elapsed_ms?: number;
}

const STARTED_AT = 1_700_000_000_000;

function formatValue(value: FieldValue): string {
  if (typeof value === 'bigint') return `${value}i`;
  if (typeof value === 'string') return JSON.stringify(value);
  return String(value);
}

/** Code-unit order, as the expected files are sorted (not the locale's, which may skip "_"). */
const byName = ([a]: [string, unknown], [b]: [string, unknown]) => (a < b ? -1 : a > b ? 1 : 0);

/** `<type> <name>[,tag=value…] field=value,…`: tags and fields sorted by name, integers with an `i`. */
export function formatMetric(m: Metric): string {
  const tags = Object.entries(m.tags).sort(byName).map(([k, v]) => `,${k}=${v}`).join('');
  const fields = Object.entries(m.fields).sort(byName).map(([k, v]) => `${k}=${formatValue(v)}`).join(',');
  return `${m.type} ${m.name}${tags} ${fields}`;
}

/** The groups and options the case's plugin would run with, validated as a config would be. */
function groupsAndOptions(config: CaseConfig): { groups: Group[]; options: GroupOptions } {
  const def = Object.values(definitions).find((d) => typeof d === 'object' && d !== null && 'name' in d && d.name === config.plugin);
  if (!def || !('kind' in def)) throw new Error(`testcase names unknown plugin ${config.plugin}`);
  const options = checkOptions<Record<string, unknown>>(def, config.options ?? {});
  if (config.plugin === 'system') return { groups: (options as unknown as SystemOptions).collect, options: options as unknown as SystemOptions };
  const own = config.plugin === 'kernel' ? { kernel_collect: options.collect } : options;
  return { groups: [config.plugin as Group], options: { ...defaultGroupOptions(), ...own } as GroupOptions };
}

export function testcaseNames(): string[] {
  return readdirSync(TESTCASES).filter((name) => existsSync(join(TESTCASES, name, 'config.json'))).sort();
}

/** Runs one testcase: the lines its last gather sent (metrics and `error …` lines) and the expected ones, both sorted. */
export async function runTestcase(name: string): Promise<{ actual: string[]; expected: string[] }> {
  const dir = join(TESTCASES, name);
  const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as CaseConfig;
  const statfsResults: Record<string, StatfsResult> = existsSync(join(dir, 'statfs.json')) ? JSON.parse(readFileSync(join(dir, 'statfs.json'), 'utf8')) : {};
  // A copy, so that laying second/ over it leaves the committed files alone.
  const root = mkdtempSync(join(tmpdir(), `vigil-testcase-${name}-`));
  try {
    cpSync(join(dir, 'root'), root, { recursive: true });
    const statfs = async (mountPoint: string) => statfsResults[mountPoint] ?? Promise.reject(Object.assign(new Error('ENOENT'), { code: 'ENOENT' }));
    const { groups, options } = groupsAndOptions(config);
    const gatherer = createHostGatherer(groups, options, { root, statfs });
    let acc = createRecordingAccumulator();
    await gatherer.gather(acc, STARTED_AT);
    if (existsSync(join(dir, 'second'))) {
      cpSync(join(dir, 'second'), root, { recursive: true });
      acc = createRecordingAccumulator();
      await gatherer.gather(acc, STARTED_AT + (config.elapsed_ms ?? 10_000));
    }
    const actual = [...acc.metrics.map(formatMetric), ...acc.errors.map((e) => `error ${e}`)].sort();
    const expected = readFileSync(join(dir, 'expected.out'), 'utf8').split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#')).sort();
    return { actual, expected };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
