import { int, type Row } from './rows.js';
import type { MemoryStats } from './engine-types.js';

// The cgroup's own figures reported as they are: cgroup v1 names (Telegraf's list) and the
// cgroup v2 ones (anon ≈ rss, file ≈ cache …); an engine reports one set or the other.
const CGROUP_FIGURES = [
  'active_anon', 'active_file', 'cache', 'hierarchical_memory_limit', 'inactive_anon', 'inactive_file',
  'mapped_file', 'pgfault', 'pgmajfault', 'pgpgin', 'pgpgout', 'rss', 'rss_huge', 'total_active_anon',
  'total_active_file', 'total_cache', 'total_inactive_anon', 'total_inactive_file', 'total_mapped_file',
  'total_pgfault', 'total_pgmajfault', 'total_pgpgin', 'total_pgpgout', 'total_rss', 'total_rss_huge',
  'total_unevictable', 'total_writeback', 'unevictable', 'writeback',
  'anon', 'file', 'kernel_stack', 'slab', 'sock', 'shmem', 'file_mapped', 'file_dirty', 'file_writeback',
];

/**
 * Memory in use as `docker stats` counts it: the cgroup's usage less the inactive page cache
 * (total_inactive_file on cgroup v1, inactive_file on v2), which the kernel reclaims first.
 */
export function memoryUsage(mem: MemoryStats): number {
  const usage = mem.usage ?? 0;
  const stats = mem.stats ?? {};
  const inactive = 'total_inactive_file' in stats ? stats.total_inactive_file : stats.inactive_file;
  return typeof inactive === 'number' && inactive < usage ? usage - inactive : usage;
}

/** The `docker_container_mem` row. */
export function memoryRow(mem: MemoryStats | undefined): Row | undefined {
  if (!mem || typeof mem.usage !== 'number') return undefined;
  const usage = memoryUsage(mem);
  const limit = mem.limit ?? 0;
  const fields: Row['fields'] = { usage: int(usage), limit: int(limit) };
  if (limit > 0) fields.usage_percent = (usage / limit) * 100;
  if (typeof mem.max_usage === 'number') fields.max_usage = int(mem.max_usage);
  if (mem.failcnt) fields.fail_count = int(mem.failcnt);
  for (const name of CGROUP_FIGURES) {
    const value = mem.stats?.[name];
    if (typeof value === 'number') fields[name] = int(value);
  }
  return { measurement: 'docker_container_mem', tags: {}, fields };
}
