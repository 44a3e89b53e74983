import { randomUUID } from 'node:crypto';
import { formatDuration, redactUrlCredentials, type Item, type OutputPlugin, type PluginContext, type StatsSnapshot } from '@vigil/core';
import { selectLogEntries } from './log-selection.js';
import { specMessage, telegrafMessage, type BeatFacts } from './message.js';
import { getPrimaryIp } from '@vigil/host';
import { defaultProperties, propertiesToSend } from './properties.js';
import type { HeartbeatOptions } from './schema.js';
import type { Sender } from './sender.js';
import type { Settings } from './settings.js';
import { StatusRulesEngine } from './status.js';
import { statsSince } from './stats-since.js';
import { Target, type Counters, type Coverage } from './target.js';

/** Made once per process, so a receiver tells a restart (new id) from a reload (same id). */
const PROCESS_SESSION_ID = randomUUID();

/** Read once per heartbeat and shared by every URL. */
interface BeatContext {
  snapshot: StatsSnapshot;
  counters: Counters;
  configs: string[];
  ip?: string;
  properties?: Record<string, string>;
  systemInfo?: object;
}

export interface HeartbeatParts {
  settings: Settings;
  sender: Sender;
  /** `systemInfo`; `keep` makes this sample the start of the next one's span (false for a preview). */
  systemInfo: (keep: boolean) => Promise<object>;
  /** Values blanked from anything sent or logged: header values, tokens, passwords. */
  secrets: string[];
}

/**
 * The heartbeat output: counts the metrics it is given and, on its own timer, POSTs a message
 * about the agent to every URL. The first heartbeat goes out at start-up.
 */
export class Heartbeat implements OutputPlugin {
  private readonly settings: Settings;
  private readonly targets: Target[];
  private readonly rules: StatusRulesEngine;
  private readonly secrets: string[];
  private metricsReceived = 0;
  private metricsWritten = false;
  private timer?: NodeJS.Timeout;
  private readonly reportedProblems = new Set<string>();
  /** Heartbeats under way, for whenIdle(). */
  private readonly beats = new Set<Promise<void>>();
  /** Aborted at close: a request under way must not hold up the agent's stop. */
  private readonly closing = new AbortController();

  constructor(
    private readonly ctx: PluginContext<HeartbeatOptions>,
    private readonly parts: HeartbeatParts,
  ) {
    this.settings = parts.settings;
    this.secrets = parts.secrets.filter((s) => s.length >= 3);
    this.rules = new StatusRulesEngine(this.settings.status);
    // Like Telegraf, report what happens from now on: a reload does not resend old entries.
    const snapshot = ctx.stats.snapshot();
    const start: Coverage = { logSeq: ctx.logs.lastSeq, counters: this.counters(snapshot), snapshot };
    const now = Date.now();
    this.targets = this.settings.urls.map((url) => new Target(url, start, now));
  }

  connect(): void {
    if (!this.settings.enabled) {
      this.ctx.log.info('disabled (enabled = false): no heartbeats are sent');
      return;
    }
    this.timer = setInterval(() => void this.beat(), this.settings.intervalMs);
    this.timer.unref();
    void this.beat();
  }

  write(batch: Item[]): void {
    for (const item of batch) if (item.kind === 'metric') this.metricsReceived++;
    this.metricsWritten = true;
  }

  /** Cancels every heartbeat in flight, then releases the connections. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    this.closing.abort();
    await this.whenIdle();
    this.parts.sender.close();
  }

  /** Resolves once no heartbeat is in flight. */
  async whenIdle(): Promise<void> {
    while (this.beats.size > 0) await Promise.all(this.beats);
  }

  /** The message each URL (credentials blanked) would get now, in `urls` order; nothing is sent or changed. */
  async preview(): Promise<{ url: string; message: Record<string, unknown> }[]> {
    if (!this.settings.enabled) return [];
    const context = await this.beatContext(false);
    return this.targets.map((t) => ({ url: t.shownUrl, message: this.compose(t, context, false).message }));
  }

  /** One heartbeat to every URL not still busy with the previous one. */
  beat(): Promise<void> {
    if (this.closing.signal.aborted) return Promise.resolve();
    const beat = this.beatToIdleTargets().finally(() => this.beats.delete(beat));
    this.beats.add(beat);
    return beat;
  }

  private async beatToIdleTargets(): Promise<void> {
    const context = await this.beatContext(true);
    if (this.closing.signal.aborted) return;
    // A URL whose server asked for a pause (Retry-After) is left out silently: its failure said so.
    const now = Date.now();
    const due = this.targets.filter((t) => !t.heldBack(now));
    const idle = due.filter((t) => !t.sending);
    for (const busy of due.filter((t) => t.sending)) {
      // Once per wait: a hanging URL must not flood the log at every interval.
      if (busy.skipped++ === 0) this.ctx.log.warn(`heartbeat to ${busy.shownUrl} skipped: the previous one is still waiting for an answer`);
    }
    for (const t of idle) {
      t.sending = this.deliver(t, context).finally(() => {
        t.sending = undefined;
        t.skipped = 0;
      });
    }
    await Promise.all(idle.map((t) => t.sending));
  }

  private async deliver(target: Target, context: BeatContext): Promise<void> {
    const { message, coverage } = this.compose(target, context, true);
    const failure = await this.parts.sender.post(target.url, JSON.stringify(message), this.closing.signal);
    if (failure?.cancelled) {
      this.ctx.log.info(`heartbeat to ${target.shownUrl} cancelled: the output is closing (stop or reload)`);
      return;
    }
    if (failure === undefined) {
      const failures = target.succeeded(coverage, Date.now());
      if (failures > 0) this.ctx.log.info(`heartbeat to ${target.shownUrl} delivered again after ${failures} failed ${failures === 1 ? 'attempt' : 'attempts'}`);
      return;
    }
    // A Retry-After shorter than the interval changes nothing: the next beat is later anyway.
    const { intervalMs } = this.settings;
    const waitMs = failure.retryAfterMs !== undefined && failure.retryAfterMs > intervalMs ? failure.retryAfterMs : 0;
    const now = Date.now();
    const inRow = target.failed(now, waitMs);
    if (!target.logsFailure(now)) return;
    const next = waitMs > 0 ? `next try after ${formatDuration(waitMs)}, as the server asked (Retry-After)` : `next try in ${formatDuration(intervalMs)}`;
    const what = inRow > 1 ? `still failing (${inRow} failures in a row)` : 'failed';
    this.ctx.log.error(`heartbeat to ${target.shownUrl} ${what}: ${this.redact(failure.reason)}; ${next}`);
  }

  private compose(target: Target, context: BeatContext, report: boolean): { message: Record<string, unknown>; coverage: Coverage } {
    const { contents, format } = this.settings;
    const since = target.since(context.counters);
    const entries = this.ctx.logs.entries(target.covered.logSeq);
    const coverage: Coverage = { logSeq: entries.at(-1)?.seq ?? target.covered.logSeq, counters: context.counters, snapshot: context.snapshot };
    const decision = this.rules.decide(
      { metrics: since.metrics, logErrors: since.logErrors, logWarnings: since.logWarnings, lastUpdate: target.lastSuccessAt, snapshot: statsSince(context.snapshot, target.covered.snapshot) },
      this.metricsWritten,
    );
    if (report) for (const f of decision.failures) this.reportOnce(`status condition "${this.settings.status.option}.${f.condition}" could not be evaluated, taken as false: ${f.message}`);

    const facts: BeatFacts = {
      agentId: this.settings.agentId,
      version: this.ctx.agent.version,
      status: contents.status ? decision.status : undefined,
      configs: contents.configs ? context.configs : undefined,
      hostname: contents.hostname ? this.ctx.agent.hostname : undefined,
      ip: contents.ip ? context.ip : undefined,
      logs: contents.logs ? selectLogEntries(entries, this.settings.logThreshold, this.settings.logLimit) : undefined,
      timezone: this.ctx.agent.logTimezone,
      statistics: contents.statistics ? { errors: since.logErrors, warnings: since.logWarnings, metrics: since.metrics } : undefined,
      last: target.failuresInRow > 0 ? Math.floor(target.lastSuccessAt / 1000) : undefined,
      properties: context.properties,
      systemInfo: context.systemInfo,
      redact: (text) => this.redact(text),
    };
    return { message: format === 'spec' ? specMessage(facts) : telegrafMessage(facts), coverage };
  }

  private async beatContext(keep: boolean): Promise<BeatContext> {
    const snapshot = this.ctx.stats.snapshot();
    const spec = this.settings.format === 'spec';
    return {
      snapshot,
      counters: this.counters(snapshot),
      configs: this.ctx.agent.configSources.map(redactUrlCredentials),
      ip: this.settings.contents.ip ? (await getPrimaryIp()) || undefined : undefined,
      properties: spec
        ? propertiesToSend(defaultProperties(this.ctx.agent, PROCESS_SESSION_ID), this.settings.excludeProperties, this.settings.properties)
        : undefined,
      systemInfo: this.settings.contents.systemInfo ? await this.systemInfo(keep) : undefined,
    };
  }

  private async systemInfo(keep: boolean): Promise<object | undefined> {
    try {
      return await this.parts.systemInfo(keep);
    } catch (err) {
      this.reportOnce(`systemInfo left out: the host snapshot failed: ${(err as Error).message}`);
      return undefined;
    }
  }

  private counters(snapshot: StatsSnapshot): Counters {
    return { metrics: this.metricsReceived, logErrors: snapshot.agent.log_errors, logWarnings: snapshot.agent.log_warnings };
  }

  /** A problem that would recur every heartbeat is logged once. */
  private reportOnce(message: string): void {
    if (this.reportedProblems.has(message)) return;
    this.reportedProblems.add(message);
    this.ctx.log.warn(message);
  }

  private redact(text: string): string {
    let out = this.ctx.agent.redact(text);
    for (const s of this.secrets) out = out.split(s).join('***');
    return out;
  }
}
