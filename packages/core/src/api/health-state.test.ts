import { bufferFill, inputState, outputState } from './health-state.js';

const memory = (items: number, limit = 100) => ({ strategy: 'memory' as const, items, bytes: 0, limit, full: items >= limit });

describe('output state', () => {
  it('is ok with no failure and a buffer under half full', () => {
    expect(outputState({ consecutiveFailures: 0 }, memory(49), 0.49)).toEqual({ state: 'ok', reasons: [] });
  });

  it('is degraded after 1 or 2 failures in a row, failing from 3', () => {
    const states = [1, 2, 3, 10].map((n) => outputState({ consecutiveFailures: n, lastError: 'HTTP 503' }, memory(0), 0).state);
    expect(states).toEqual(['degraded', 'degraded', 'failing', 'failing']);
    expect(outputState({ consecutiveFailures: 2, lastError: 'HTTP 503' }, memory(0), 0).reasons).toEqual(['2 tries in a row failed; last: HTTP 503']);
  });

  it('is degraded from half a buffer, failing from nine tenths, and says both reasons', () => {
    expect([0.5, 0.89, 0.9, 1].map((fill) => outputState({ consecutiveFailures: 0 }, memory(fill * 100), fill).state)).toEqual(['degraded', 'degraded', 'failing', 'failing']);
    expect(outputState({ consecutiveFailures: 1, lastError: 'reset' }, memory(95), 0.95)).toEqual({ state: 'failing', reasons: ['1 try in a row failed; last: reset', 'buffer 95% full (95 of 100 items)'] });
  });

  it('measures a disk buffer by items or bytes, whichever is fuller', () => {
    const disk = { strategy: 'disk' as const, items: 10, bytes: 600, limit: 100, full: false };
    expect(bufferFill(disk, 1000)).toBe(0.6);
    expect(bufferFill({ ...disk, bytes: 50 }, 1000)).toBe(0.1);
    expect(bufferFill(undefined, 1000)).toBe(0);
  });
});

describe('input state', () => {
  const stats = { metrics_gathered: 0, errors: 0, gather_time_ns: 0, gather_timeouts: 0, gathers_skipped: 0, startup_errors: 0 };
  it('is degraded while its last gather failed or it could not start', () => {
    expect(inputState({ lastGatherFailed: false, lastGatherAt: 1 }, stats).state).toBe('ok');
    expect(inputState({ lastGatherFailed: true, lastGatherAt: 1, lastError: 'no socket' }, stats)).toEqual({ state: 'degraded', reasons: ['its last gather failed: no socket'] });
    expect(inputState({ lastGatherFailed: false, lastError: 'port in use' }, { ...stats, startup_errors: 1 })).toEqual({ state: 'degraded', reasons: ['could not start: port in use'] });
  });
});
