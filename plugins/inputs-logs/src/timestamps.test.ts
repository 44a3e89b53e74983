import { fromEpoch, TimestampScanner } from './timestamps.js';

const at = (iso: string) => Date.parse(iso);

describe('timestamps', () => {
  const times = new TimestampScanner('UTC');

  test.each([
    ['2026-11-23T07:00:01Z', '2026-11-23T07:00:01.000Z'],
    ['2026-11-23T07:00:01.123Z', '2026-11-23T07:00:01.123Z'],
    ['2026-11-23T07:00:01.123456789Z', '2026-11-23T07:00:01.123Z'],
    ['2026-11-23T07:00:01.5+02:00', '2026-11-23T05:00:01.500Z'],
    ['2026-11-23T07:00:01-0130', '2026-11-23T08:30:01.000Z'],
    ['2026-11-23 07:00:01,123', '2026-11-23T07:00:01.123Z'],
    ['2026-11-23 07:00:01 +0100', '2026-11-23T06:00:01.000Z'],
    ['2026/11/23 07:00:01', '2026-11-23T07:00:01.000Z'],
  ])('ISO 8601 / RFC 3339 / Python / nginx: %s', (text, expected) => {
    expect(times.isoAt(`${text} rest`, 0)).toBe(true);
    expect(times.ms).toBe(at(expected));
    expect(`${text} rest`.slice(times.end)).toBe(' rest');
  });

  test('text that is not a date is not taken for one', () => {
    for (const text of ['2026-13-01T00:00:00Z', '2026-11-23X07:00:01', '2026-11-23T25:00:01', '20261123T070001', 'Nov 23']) expect(times.isoAt(text, 0)).toBe(false);
  });

  test('syslog dates take the nearest past year', () => {
    times.now = at('2026-11-23T08:00:00Z');
    expect(times.syslogAt('Nov 23 07:00:01 host', 0)).toBe(true);
    expect(times.ms).toBe(at('2026-11-23T07:00:01Z'));
    expect(times.syslogAt('Nov  3 07:00:01.250 host', 0)).toBe(true);
    expect(times.ms).toBe(at('2026-11-03T07:00:01.250Z'));
    times.now = at('2027-01-01T00:10:00Z');
    expect(times.syslogAt('Dec 31 23:59:59 host', 0)).toBe(true);
    expect(times.ms).toBe(at('2026-12-31T23:59:59Z'));
  });

  test('common log format dates', () => {
    expect(times.clfAt('23/Nov/2026:07:00:01 +0000', 0)).toBe(true);
    expect(times.ms).toBe(at('2026-11-23T07:00:01Z'));
    expect(times.clfAt('23/Nov/2026:07:00:01 -0700', 0)).toBe(true);
    expect(times.ms).toBe(at('2026-11-23T14:00:01Z'));
  });

  test('glog/klog dates', () => {
    times.now = at('2026-11-23T08:00:00Z');
    expect(times.klogAt('1123 07:00:01.123456 ', 0)).toBe(true);
    expect(times.ms).toBe(at('2026-11-23T07:00:01.123Z'));
  });

  test('epoch seconds, milliseconds, microseconds and nanoseconds are told apart by size', () => {
    const ms = at('2026-11-23T07:00:01.123Z');
    expect(fromEpoch(ms / 1000)).toBe(ms);
    expect(fromEpoch(ms)).toBe(ms);
    expect(fromEpoch(ms * 1000)).toBe(ms);
    expect(fromEpoch(ms * 1e6)).toBe(ms);
    expect(times.fromValue(String(ms / 1000))).toBe(ms);
    expect(times.fromValue('2026-11-23T07:00:01.123Z')).toBe(ms);
    expect(times.fromValue('not a time')).toBeNaN();
  });

  // The CLI test runs this in another zone (TZ=America/New_York); jest cannot change the zone in-process.
  test('zone-less times are read in the local zone when asked', () => {
    const local = new TimestampScanner('Local');
    expect(local.isoAt('2026-06-01 12:00:00', 0)).toBe(true);
    expect(local.ms).toBe(new Date(2026, 5, 1, 12, 0, 0).getTime());
    expect(local.isoAt('2026-06-01T12:00:00Z', 0)).toBe(true);
    expect(local.ms).toBe(at('2026-06-01T12:00:00Z'));
  });
});
