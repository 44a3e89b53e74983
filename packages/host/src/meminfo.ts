/** Byte and percent fields, as the `mem` measurement names them. */
export type MemFields = Record<string, bigint | number>;

/** Telegraf's byte fields of `mem` and the /proc/meminfo line each comes from (kB there). */
const MEM_BYTES: [string, string][] = [
  ['free', 'MemFree'],
  ['buffered', 'Buffers'],
  ['active', 'Active'],
  ['inactive', 'Inactive'],
  ['active_anon', 'Active(anon)'],
  ['inactive_anon', 'Inactive(anon)'],
  ['active_file', 'Active(file)'],
  ['inactive_file', 'Inactive(file)'],
  ['unevictable', 'Unevictable'],
  ['shared', 'Shmem'],
  ['slab', 'Slab'],
  ['sreclaimable', 'SReclaimable'],
  ['sunreclaim', 'SUnreclaim'],
  ['dirty', 'Dirty'],
  ['write_back', 'Writeback'],
  ['write_back_tmp', 'WritebackTmp'],
  ['mapped', 'Mapped'],
  ['page_tables', 'PageTables'],
  ['swap_cached', 'SwapCached'],
  ['swap_total', 'SwapTotal'],
  ['swap_free', 'SwapFree'],
  ['commit_limit', 'CommitLimit'],
  ['committed_as', 'Committed_AS'],
  ['high_total', 'HighTotal'],
  ['high_free', 'HighFree'],
  ['low_total', 'LowTotal'],
  ['low_free', 'LowFree'],
  ['huge_page_size', 'Hugepagesize'],
  ['vmalloc_total', 'VmallocTotal'],
  ['vmalloc_used', 'VmallocUsed'],
  ['vmalloc_chunk', 'VmallocChunk'],
];

/** `Key:   123 kB` lines into numbers by key, the unit dropped. */
function parseKeyValueLines(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const value = Number.parseInt(line.slice(colon + 1), 10);
    if (!Number.isNaN(value)) out.set(line.slice(0, colon).trim(), value);
  }
  return out;
}

/** The kernel's page size for pswpin/pswpout; gopsutil (and so Telegraf) assumes 4 KiB too. */
const PAGE_SIZE = 4096n;

function percent(part: bigint, whole: bigint): number {
  return whole > 0n ? (100 * Number(part)) / Number(whole) : 0;
}

/** The `mem` fields from /proc/meminfo text: the summary first, then every line as Linux gives it. */
export function memFields(meminfo: string): MemFields {
  const kb = parseKeyValueLines(meminfo);
  const bytes = (key: string) => BigInt(kb.get(key) ?? 0) * 1024n;
  const total = bytes('MemTotal');
  // Kernels before 3.14 have no MemAvailable: free plus page cache and buffers is the old estimate.
  const available = kb.has('MemAvailable') ? bytes('MemAvailable') : bytes('MemFree') + bytes('Buffers') + bytes('Cached');
  const used = total - available;
  const fields: MemFields = {
    total,
    available,
    available_percent: percent(available, total),
    used,
    used_percent: percent(used, total),
    // As gopsutil (and so Telegraf) counts it: reclaimable slab is cache too.
    cached: bytes('Cached') + bytes('SReclaimable'),
  };
  for (const [field, key] of MEM_BYTES) fields[field] ??= bytes(key);
  // Counts of pages, not kB.
  fields.huge_pages_total = BigInt(kb.get('HugePages_Total') ?? 0);
  fields.huge_pages_free = BigInt(kb.get('HugePages_Free') ?? 0);
  return fields;
}

/** Swap sizes from /proc/meminfo, and bytes swapped in and out since boot from /proc/vmstat. */
export function swapFields(meminfo: string, vmstat: string): { total: bigint; used: bigint; free: bigint; used_percent: number; in: bigint; out: bigint } {
  const kb = parseKeyValueLines(meminfo);
  const total = BigInt(kb.get('SwapTotal') ?? 0) * 1024n;
  const free = BigInt(kb.get('SwapFree') ?? 0) * 1024n;
  const used = total - free;
  const pages = (key: string) => BigInt(new RegExp(`^${key} (\\d+)`, 'm').exec(vmstat)?.[1] ?? 0);
  return { total, used, free, used_percent: percent(used, total), in: pages('pswpin') * PAGE_SIZE, out: pages('pswpout') * PAGE_SIZE };
}

