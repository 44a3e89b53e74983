import type { AgentView } from './agent-view.js';
import type { ProcessFigures } from './process-figures.js';
import { engineStatus } from './engine-status.js';
import type { HealthState } from './health-state.js';

type Labels = Record<string, string>;
interface Sample {
  labels: Labels;
  value: number;
}
interface Family {
  type: 'counter' | 'gauge';
  help: string;
  samples: Sample[];
}

const escapeLabel = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
const escapeHelp = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');

function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  // Seconds from milliseconds carry float noise (0.00011700000000000001); 15 digits is all a double holds.
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(15)));
}

/** Families in the order first added, each written once with its HELP and TYPE. */
class MetricFamilies {
  private readonly families = new Map<string, Family>();

  add(name: string, type: Family['type'], help: string, value: number, labels: Labels = {}): void {
    let family = this.families.get(name);
    if (!family) this.families.set(name, (family = { type, help, samples: [] }));
    family.samples.push({ labels, value });
  }

  toString(): string {
    const lines: string[] = [];
    for (const [name, family] of this.families) {
      lines.push(`# HELP ${name} ${escapeHelp(family.help)}`, `# TYPE ${name} ${family.type}`);
      for (const { labels, value } of family.samples) {
        const pairs = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
        lines.push(`${name}${pairs.length > 0 ? `{${pairs.join(',')}}` : ''} ${formatValue(value)}`);
      }
    }
    return lines.join('\n') + '\n';
  }
}

/**
 * A counter's Prometheus name and value: nanosecond counters become seconds (Prometheus wants
 * base units, and `promtool check metrics` refuses abbreviated ones such as `_ns`).
 */
function counterName(prefix: string, counter: string, value: number): [string, number] {
  if (counter.endsWith('_ns')) return [`${prefix}_${counter.slice(0, -3)}_seconds_total`, value / 1e9];
  return [`${prefix}_${counter}_total`, value];
}

const INPUT_HELP: Record<string, string> = {
  metrics_gathered: 'Items the input gathered (metrics and log records).',
  errors: 'Errors the input reported.',
  gather_time_ns: 'Time spent gathering, in seconds.',
  gather_timeouts: 'Gathers abandoned because they outlived the interval.',
  gathers_skipped: 'Gathers skipped because a blocking output was full.',
  startup_errors: 'Times the input could not start.',
};

const OUTPUT_HELP: Record<string, string> = {
  metrics_added: 'Items the output took into its buffer.',
  metrics_written: 'Items the destination accepted.',
  metrics_rejected: 'Items the destination refused for good.',
  metrics_dropped: 'Items dropped (full buffer, full disk, damage, unwritten at stop).',
  metrics_filtered: 'Items the output selectors did not select.',
  metrics_kept: 'Items left in a disk buffer at stop, for the next start.',
  errors: 'Failed writes (retried).',
  retries: 'Tries after a failure.',
  write_time_ns: 'Time spent writing, in seconds.',
  startup_errors: 'Failed connects.',
  buffer_size: 'Items held in the buffer.',
  buffer_bytes: 'Bytes a disk buffer holds (0 for memory).',
  buffer_limit: 'metric_buffer_limit: most items the buffer holds.',
};

const PROCESSOR_HELP: Record<string, string> = {
  metrics_received: 'Items that reached the processor, selected by it or not.',
  metrics_emitted: 'Items the processor passed on.',
  metrics_dropped: 'Items the processor dropped (by design, or because processing them failed).',
  errors: 'Items whose processing failed (each dropped).',
  process_time_ns: 'Time spent processing, in seconds (estimated from one item in 16).',
};

/** Counters of OutputStats that are levels, not totals. */
const OUTPUT_GAUGES = new Set(['buffer_size', 'buffer_bytes', 'buffer_limit']);

const AGENT_HELP: Record<string, string> = {
  metrics_gathered: 'Items gathered by every input.',
  metrics_written: 'Items written by every output.',
  metrics_rejected: 'Items rejected by every output.',
  metrics_dropped: 'Items dropped by every output.',
  metrics_filtered: 'Items filtered by every output.',
  gather_errors: 'Errors reported by every input.',
  gather_timeouts: 'Gathers abandoned by every input.',
  log_errors: 'Log entries at error level or above since the process started.',
  log_warnings: 'Log entries at warn level since the process started.',
};

const STATES: HealthState[] = ['ok', 'degraded', 'failing'];

/**
 * `GET /metrics`: every counter and gauge of the agent, each input, processor and output, in the
 * Prometheus text format (0.0.4). Counters restart with a reloaded configuration, which
 * Prometheus reads as a counter reset.
 */
export function prometheusText(view: AgentView, processFigures: ProcessFigures, now = Date.now()): string {
  const m = new MetricFamilies();
  const doc = engineStatus(view, now);
  const { agent, env } = view;

  m.add('vigil_agent_info', 'gauge', 'Always 1; the labels tell the version and host.', 1, { version: doc.version, hostname: doc.hostname });
  m.add('vigil_agent_start_time_seconds', 'gauge', 'When the process started, in seconds since the epoch.', env.startTime / 1000);
  m.add('vigil_agent_uptime_seconds', 'gauge', 'Seconds since the process started.', (now - env.startTime) / 1000);
  m.add('vigil_agent_reloading', 'gauge', '1 while a configuration reload runs.', view.phase === 'reloading' ? 1 : 0);
  for (const s of STATES) m.add('vigil_agent_status', 'gauge', 'The agent status: 1 for the one in force.', doc.status === s ? 1 : 0, { status: s });
  for (const [counter, value] of Object.entries(env.stats.snapshot().agent)) {
    const [name, v] = counterName('vigil_agent', counter, value);
    m.add(name, 'counter', AGENT_HELP[counter] ?? `The agent's ${counter} counter.`, v);
  }

  for (const input of agent.inputs) {
    const status = doc.inputs.find((i) => i.id === input.config.key)!;
    const labels = { id: status.id, plugin: status.plugin, alias: status.alias ?? '' };
    for (const [counter, value] of Object.entries(input.stats)) {
      const [name, v] = counterName('vigil_input', counter, value);
      m.add(name, 'counter', INPUT_HELP[counter] ?? `The input's ${counter} counter.`, v, labels);
    }
    if (input.health.lastGatherAt !== undefined) {
      m.add('vigil_input_last_gather_timestamp_seconds', 'gauge', 'When the last gather started, in seconds since the epoch.', input.health.lastGatherAt / 1000, labels);
      m.add('vigil_input_last_gather_duration_seconds', 'gauge', 'How long the last gather took.', (input.health.lastGatherDurationMs ?? 0) / 1000, labels);
    }
    m.add('vigil_input_degraded', 'gauge', '1 while the input is degraded (its last gather failed, or it could not start).', status.state === 'ok' ? 0 : 1, labels);
  }

  for (const processor of agent.processors) {
    const { config } = processor;
    const labels = { id: config.key, plugin: `${config.kind}.${config.name}`, alias: config.common.alias ?? '' };
    for (const [counter, value] of Object.entries(processor.stats)) {
      const [name, v] = counterName('vigil_processor', counter, value);
      m.add(name, 'counter', PROCESSOR_HELP[counter] ?? `The processor's ${counter} counter.`, v, labels);
    }
  }

  for (const output of agent.outputs) {
    const status = doc.outputs.find((o) => o.id === output.config.key)!;
    const labels = { id: status.id, plugin: status.plugin, alias: status.alias ?? '' };
    for (const [counter, value] of Object.entries(output.stats)) {
      const help = OUTPUT_HELP[counter] ?? `The output's ${counter} counter.`;
      if (OUTPUT_GAUGES.has(counter)) m.add(`vigil_output_${counter}`, 'gauge', help, value, labels);
      else {
        const [name, v] = counterName('vigil_output', counter, value);
        m.add(name, 'counter', help, v, labels);
      }
    }
    m.add('vigil_output_buffer_fill_ratio', 'gauge', 'How full the buffer is, 0 to 1 (items, or bytes of buffer_max_size on disk).', status.buffer.fill, labels);
    if (status.buffer.oldestAgeSeconds !== null) m.add('vigil_output_buffer_oldest_age_seconds', 'gauge', 'Age of the oldest item in the buffer.', status.buffer.oldestAgeSeconds, labels);
    m.add('vigil_output_consecutive_failures', 'gauge', 'Failed connects and writes since the last accepted batch.', status.consecutiveFailures, labels);
    if (output.health.lastSuccessAt !== undefined) m.add('vigil_output_last_success_timestamp_seconds', 'gauge', 'When the destination last accepted a batch, in seconds since the epoch.', output.health.lastSuccessAt / 1000, labels);
    for (const s of STATES) m.add('vigil_output_state', 'gauge', 'The output state: 1 for the one in force.', status.state === s ? 1 : 0, { ...labels, state: s });
  }

  const p = processFigures;
  m.add('vigil_process_resident_memory_bytes', 'gauge', 'Resident set size.', p.rssBytes);
  m.add('vigil_process_heap_used_bytes', 'gauge', 'V8 heap in use.', p.heapUsedBytes);
  m.add('vigil_process_heap_total_bytes', 'gauge', 'V8 heap reserved.', p.heapTotalBytes);
  m.add('vigil_process_external_memory_bytes', 'gauge', 'Memory of C++ objects bound to JavaScript (buffers).', p.externalBytes);
  m.add('vigil_process_cpu_user_seconds_total', 'counter', 'User CPU time.', p.cpuUserSeconds);
  m.add('vigil_process_cpu_system_seconds_total', 'counter', 'System CPU time.', p.cpuSystemSeconds);
  m.add('vigil_process_event_loop_delay_p50_seconds', 'gauge', 'Median event-loop delay over the last 10 s window.', p.eventLoopDelay.p50 / 1000);
  m.add('vigil_process_event_loop_delay_p99_seconds', 'gauge', '99th percentile event-loop delay over the last 10 s window.', p.eventLoopDelay.p99 / 1000);
  m.add('vigil_process_event_loop_delay_max_seconds', 'gauge', 'Longest event-loop delay over the last 10 s window.', p.eventLoopDelay.max / 1000);
  return env.redactor.redact(m.toString());
}
