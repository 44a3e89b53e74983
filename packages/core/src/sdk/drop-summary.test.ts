import { pino } from 'pino';
import { DropSummary } from './drop-summary.js';

function recordingLogger() {
  const lines: string[] = [];
  const log = pino({ level: 'info' }, { write: (s: string) => void lines.push(JSON.parse(s).msg) });
  return { log, lines };
}

describe('DropSummary', () => {
  it('logs one line per interval with the count of each reason', () => {
    const { log, lines } = recordingLogger();
    const summary = new DropSummary(log, 60_000);
    summary.count('by the drop condition');
    summary.count('by the drop condition');
    summary.count('as repeats');
    expect(lines).toEqual([]);
    summary.flush();
    expect(lines).toEqual(['dropped 3 items in the last 0s: 2 by the drop condition, 1 as repeats']);
    summary.flush();
    expect(lines).toHaveLength(1);
  });

  it('reports at once when the interval has passed', () => {
    const { log, lines } = recordingLogger();
    const summary = new DropSummary(log, 0);
    summary.count('as repeats');
    expect(lines).toEqual(['dropped 1 item in the last 0s: 1 as repeats']);
  });
});
