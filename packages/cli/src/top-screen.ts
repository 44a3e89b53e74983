import type { EngineStatus } from '@vigil/core/status-api';

/** One poll of the API: the answer and when it came. */
export interface StatusSample {
  doc: EngineStatus;
  /** Milliseconds since the epoch. */
  at: number;
}

export interface ScreenOptions {
  width: number;
  url: string;
  /** A terminal, redrawn every second: ANSI colours and the key help; one plain frame otherwise. */
  live: boolean;
  /** Why the last poll failed, if it did. */
  problem?: string;
}

const STATE_COLOR: Record<string, string> = { ok: '32', degraded: '33', failing: '31', reloading: '33', stopping: '33', starting: '33' };
const paint = (on: boolean, code: string, text: string) => (on ? `\x1b[${code}m${text}\x1b[0m` : text);

function fit(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, Math.max(0, width - 1))}…` : text.padEnd(width);
}
const right = (text: string, width: number) => (text.length > width ? text.slice(0, width) : text.padStart(width));

function uptime(seconds: number): string {
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = Math.floor(seconds % 60);
  return d > 0 ? `${d}d${h}h${m}m` : h > 0 ? `${h}h${m}m${s}s` : `${m}m${s}s`;
}

function rate(now: number, before: number | undefined, seconds: number): string {
  // No earlier poll, or the counters restarted with a reload: nothing to compare yet.
  if (before === undefined || seconds <= 0 || now < before) return '…';
  const r = (now - before) / seconds;
  return r >= 1000 ? `${(r / 1000).toFixed(1)}k` : r >= 100 ? r.toFixed(0) : r.toFixed(1);
}

/** Name column width: what the fixed columns leave of the terminal (one column spare, so no line wraps). */
const FIXED = 1 + 8 + 1 + 7 + 1 + 7 + 1 + 7 + 1 + 12;

/**
 * The lines of one `vigil top` frame: a header with the agent's status, the reasons it is not
 * ok, then one row per input, processor and output (in pipeline order) with items/s in and out (from this poll and the one
 * before), errors, buffer fill and state. Every line fits `width` columns.
 */
export function renderTop(current: StatusSample | undefined, previous: StatusSample | undefined, options: ScreenOptions): string[] {
  const width = Math.max(60, options.width) - 1;
  const c = options.live;
  const lines: string[] = [];
  const clock = new Date().toTimeString().slice(0, 8);
  if (!current) {
    lines.push(fit(`vigil top · ${options.url}`, width - 9) + ' ' + clock);
    lines.push('');
    lines.push(paint(c, '31', fit(options.problem ? `cannot read the status: ${options.problem}` : 'connecting…', width)));
    if (c) lines.push(fit('retrying every second', width));
  } else {
    const { doc } = current;
    const head = `vigil ${doc.version} on ${doc.hostname} · up ${uptime(doc.uptimeSeconds)} · `;
    const status = doc.status.toUpperCase();
    const phase = ` · ${doc.state}`;
    const used = head.length + status.length + phase.length;
    const pad = width - used - clock.length;
    lines.push(head + paint(c, `1;${STATE_COLOR[doc.status]}`, status) + paint(c, STATE_COLOR[doc.state] ?? '0', phase) + (pad >= 1 ? ' '.repeat(pad) + clock : ''));
    const reasons = doc.reasons.slice(0, 3);
    for (const r of reasons) lines.push(paint(c, '2', fit(`  ${r}`, width)));
    if (doc.reasons.length > reasons.length) lines.push(paint(c, '2', fit(`  … and ${doc.reasons.length - reasons.length} more`, width)));
    if (options.problem) lines.push(paint(c, '31', fit(`last poll failed: ${options.problem}`, width)));
    lines.push('');

    const nameWidth = width - FIXED;
    const seconds = previous ? (current.at - previous.at) / 1000 : 0;
    const row = (name: string, state: string, inRate: string, outRate: string, errors: string, buffer: string, header = false) => {
      const text = `${fit(name, nameWidth)} ${fit(state, 8)} ${right(inRate, 7)} ${right(outRate, 7)} ${right(errors, 7)} ${right(buffer, 12)}`;
      if (header) return paint(c, '7', text);
      // Colour the state alone, after padding, so the columns stay aligned.
      const at = nameWidth + 1;
      return text.slice(0, at) + paint(c, STATE_COLOR[state] ?? '0', text.slice(at, at + 8)) + text.slice(at + 8);
    };
    lines.push(row('PLUGIN', 'STATE', 'IN/s', 'OUT/s', 'ERRORS', 'BUFFER', true));
    const before = new Map<string, { in?: number; out?: number }>();
    for (const i of previous?.doc.inputs ?? []) before.set(`i ${i.id}`, { in: i.gathered });
    // Older agents have no processors in their status.
    for (const p of previous?.doc.processors ?? []) before.set(`p ${p.id}`, { in: p.received, out: p.emitted });
    for (const o of previous?.doc.outputs ?? []) before.set(`o ${o.id}`, { in: o.added, out: o.written });
    for (const i of doc.inputs) {
      lines.push(row(i.id, i.state, rate(i.gathered, before.get(`i ${i.id}`)?.in, seconds), '-', String(i.errors), ''));
    }
    for (const p of doc.processors ?? []) {
      const b = before.get(`p ${p.id}`);
      lines.push(row(p.id, '-', rate(p.received, b?.in, seconds), rate(p.emitted, b?.out, seconds), String(p.errors), ''));
    }
    for (const o of doc.outputs) {
      const b = before.get(`o ${o.id}`);
      const fill = `${o.buffer.items} ${Math.floor(o.buffer.fill * 100)}%`;
      lines.push(row(o.id, o.state, rate(o.added, b?.in, seconds), rate(o.written, b?.out, seconds), String(o.errors), fill));
    }
    if (doc.inputs.length + doc.outputs.length === 0) lines.push(fit('no inputs or outputs', width));
  }
  lines.push('');
  lines.push(paint(c, '2', fit(c ? `q quit · ${options.url} · every 1 s` : options.url, width)));
  return lines;
}
