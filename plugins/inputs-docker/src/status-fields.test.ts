import { engineTimeNs, unixTimestamp } from './engine-time.js';
import { exitReasonFromState, statusRows } from './status-fields.js';

describe('engine times', () => {
  it('keep every nanosecond, and the engine\'s "never" is no time', () => {
    expect(engineTimeNs('2024-05-01T10:00:00.123456789Z')).toBe(1714557600123456789n);
    expect(engineTimeNs('2024-05-01T12:00:00.5+02:00')).toBe(1714557600500000000n);
    expect(engineTimeNs('0001-01-01T00:00:00Z')).toBeUndefined();
    expect(unixTimestamp(1714557600000000042n)).toBe('1714557600.000000042');
  });
});

describe('last_exit_reason', () => {
  it('says OOMKilled, the engine error, or the exit code of a stopped container', () => {
    const ran = { StartedAt: '2024-05-01T10:00:00Z', FinishedAt: '2024-05-01T10:01:00Z' };
    expect(exitReasonFromState({ ...ran, Status: 'exited', OOMKilled: true, ExitCode: 137 })).toBe('OOMKilled');
    expect(exitReasonFromState({ ...ran, Status: 'exited', ExitCode: 3 })).toBe('exit code 3');
    expect(exitReasonFromState({ Status: 'created', ExitCode: 127, Error: 'exec: "x": not found' })).toBe('exec: "x": not found');
  });

  it('comes from the state of a restarting container, though the engine marks it running', () => {
    expect(exitReasonFromState({ Status: 'restarting', Running: true, Restarting: true, ExitCode: 2, StartedAt: '2024-05-01T10:00:00Z' })).toBe('exit code 2');
  });

  it('is unknown for a container that never started or that runs', () => {
    expect(exitReasonFromState({ Status: 'created', StartedAt: '0001-01-01T00:00:00Z' })).toBeUndefined();
    expect(exitReasonFromState({ Status: 'running', Running: true, StartedAt: '2024-05-01T10:00:00Z' })).toBeUndefined();
  });

  it('falls back to what was remembered from the events while the container runs', () => {
    const [status] = statusRows(
      { Id: 'abc', RestartCount: 1, State: { Status: 'running', Running: true, Pid: 42, StartedAt: '2024-05-01T10:00:00Z' } },
      { rememberedExitReason: 'OOMKilled', nowNs: 1714557660000000000n },
    );
    expect(status.fields).toMatchObject({ last_exit_reason: 'OOMKilled', restart_count: 1n, pid: 42n, uptime_ns: 60_000_000_000n });
  });
});
