import type { LogLevel } from '@vigil/core';
import { createOutput } from '@vigil/core/testing';
import { heartbeatOutput } from './index.js';
import { connected, createHeartbeat, startReceiver, stopAll, type Running } from './test-harness.js';
import type { Receiver } from './test-receiver.js';

afterEach(stopAll);

let receiver: Receiver;
beforeEach(async () => {
  receiver = await startReceiver();
});

const T0 = Date.UTC(2025, 5, 16, 18, 3, 0);

/** Logs `levels` one second apart, messages "<level> #<n>". */
function logSeries(run: Running, levels: LogLevel[]): void {
  levels.forEach((level, i) => run.log(level, `${level} #${i}`, { timestamp: T0 + i * 1000, source: i % 2 ? 'inputs.http::api' : 'agent' }));
}

async function logsSent(options: Record<string, unknown>, levels: LogLevel[]): Promise<string[]> {
  const run = createHeartbeat({ urls: [receiver.url], agent_id: 'a', send_logs: true, ...options });
  logSeries(run, levels);
  await connected(run);
  return receiver.last.body.logs.map((e: { message: string }) => e.message);
}

describe('outputs.heartbeat logs', () => {
  it('sends entries at or above the threshold, as the spec shows them', async () => {
    const run = createHeartbeat({ urls: [receiver.url], agent_id: 'a', send_logs: true, log_level_threshold: 'info', log_limit: 0 });
    logSeries(run, ['debug', 'info', 'warn', 'error', 'fatal', 'trace']);
    await connected(run);
    expect(receiver.last.body.logs).toEqual([
      { level: 'info', message: 'info #1', timestamp: '2025-06-16T18:03:01.000Z' },
      { level: 'warning', message: 'warn #2', timestamp: '2025-06-16T18:03:02.000Z' },
      { level: 'error', message: 'error #3', timestamp: '2025-06-16T18:03:03.000Z' },
      { level: 'error', message: 'fatal #4', timestamp: '2025-06-16T18:03:04.000Z' },
    ]);
  });

  it.each([
    ['debug', ['debug #0', 'info #1', 'warn #2', 'error #3']],
    ['info', ['info #1', 'warn #2', 'error #3']],
    ['warning', ['warn #2', 'error #3']],
    ['error', ['error #3']],
  ])('with log_level_threshold = "%s" sends %j', async (threshold, expected) => {
    expect(await logsSent({ log_level_threshold: threshold, log_limit: 0 }, ['debug', 'info', 'warn', 'error'])).toEqual(expected);
  });

  it('keeps the most severe entries past log_limit, then the most recent, and sends them in time order', async () => {
    const levels: LogLevel[] = ['error', 'warn', 'warn', 'error', 'warn', 'warn', 'info'];
    expect(await logsSent({ log_limit: 3, log_level_threshold: 'info' }, levels)).toEqual(['error #0', 'error #3', 'warn #5']);
    expect(await logsSent({ log_limit: 1, log_level_threshold: 'info' }, levels)).toEqual(['error #3']);
  });

  it('sends every entry with log_limit = 0', async () => {
    const levels = Array.from({ length: 30 }, () => 'warn' as const);
    expect(await logsSent({ log_limit: 0 }, levels)).toHaveLength(30);
  });

  it('defaults to at most 5 entries at warning and above', async () => {
    const levels: LogLevel[] = ['info', 'warn', 'warn', 'warn', 'warn', 'warn', 'warn', 'debug'];
    expect(await logsSent({}, levels)).toEqual(['warn #2', 'warn #3', 'warn #4', 'warn #5', 'warn #6']);
  });

  it('sends an empty list when nothing new was logged', async () => {
    expect(await logsSent({}, [])).toEqual([]);
  });

  it('leaves logs out without send_logs', async () => {
    const run = createHeartbeat({ urls: [receiver.url], agent_id: 'a' });
    logSeries(run, ['error']);
    await connected(run);
    expect(receiver.last.body).not.toHaveProperty('logs');
  });

  it('sends each entry once: only what was logged since the last successful heartbeat', async () => {
    const run = createHeartbeat({ urls: [receiver.url], agent_id: 'a', send_logs: true });
    run.log('error', 'first');
    await connected(run);
    run.log('error', 'second');
    await run.heartbeat.beat();
    await run.heartbeat.beat();
    expect(receiver.beats.map((b) => b.body.logs.map((e: { message: string }) => e.message))).toEqual([['first'], ['second'], []]);
  });

  it('does not send what was logged before it was created (a reload does not resend)', async () => {
    const first = createHeartbeat({ urls: [receiver.url], agent_id: 'a', send_logs: true });
    first.log('error', 'before');
    // A second instance on the same agent log, as after a reload.
    const { plugin } = createOutput(heartbeatOutput, { urls: [receiver.url], agent_id: 'b', send_logs: true, interval: '1h' }, { logs: first.ring as never, stats: first.stats });
    plugin.connect?.();
    await receiver.received(1);
    await plugin.close?.();
    expect(receiver.last.body.logs).toEqual([]);
  });

  it('writes timestamps in [agent] log_with_timezone', async () => {
    const run = createHeartbeat({ urls: [receiver.url], agent_id: 'a', send_logs: true }, { logTimezone: 'America/New_York' });
    logSeries(run, ['error']);
    await connected(run);
    expect(receiver.last.body.logs[0].timestamp).toBe('2025-06-16T14:03:00.000-04:00');
  });

  it("accepts Telegraf's [logs] table: limit and level", async () => {
    const levels: LogLevel[] = ['warn', 'error', 'warn', 'error', 'error'];
    expect(await logsSent({ logs: { limit: 2, level: 'warn' } }, levels)).toEqual(['error #3', 'error #4']);
    expect(await logsSent({ logs: {} }, levels)).toEqual(['error #1', 'error #3', 'error #4']);
  });
});
