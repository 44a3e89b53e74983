/**
 * Timestamps found in log lines, parsed by hand: this runs once per line, and a hand-written
 * scanner with a one-day cache costs a fraction of a regex with a dozen groups plus Date.parse.
 */
export type TimeZoneOption = 'UTC' | 'Local';

// Month abbreviations keyed by their three character codes, so a lookup makes no substring.
const MONTHS = new Map(['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'].map((m, i) => [threeChars(m, 0), i + 1]));
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** The digit at `i`, or -1. */
function d1(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  return a >= 0 && a <= 9 ? a : -1;
}

/** The number written by two digits at `i`, or -1. */
function d2(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/** The number written by four digits at `i`, or -1. */
function d4(s: string, i: number): number {
  const high = d2(s, i);
  const low = d2(s, i + 2);
  return high < 0 || low < 0 ? -1 : high * 100 + low;
}

/** Milliseconds of a clock time `hh:mm:ss` at `i`, or -1. */
function clockAt(s: string, i: number): number {
  const hour = d2(s, i);
  const minute = d2(s, i + 3);
  const second = d2(s, i + 6);
  if (hour < 0 || hour > 24 || minute < 0 || minute > 59 || second < 0 || second > 60 || s.charCodeAt(i + 2) !== 58 || s.charCodeAt(i + 5) !== 58) return -1;
  return hour * HOUR_MS + minute * 60_000 + second * 1000;
}

function threeChars(s: string, i: number): number {
  return (s.charCodeAt(i) << 16) | (s.charCodeAt(i + 1) << 8) | s.charCodeAt(i + 2);
}

/** The month (1-12) whose English abbreviation is at `i`, or -1. */
function monthAt(s: string, i: number): number {
  return MONTHS.get(threeChars(s, i)) ?? -1;
}

function isDigit(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c >= 48 && c <= 57;
}

/**
 * Finds timestamps at a position in a line. After a successful `…At` call, `ms` holds the time
 * (milliseconds since the epoch) and `end` the index just past the timestamp.
 */
export class TimestampScanner {
  ms = NaN;
  end = 0;
  /** The time the text was read: years missing from a timestamp are taken from it. */
  now = Date.now();
  private dayKey = -1;
  private dayMs = 0;
  private year = 0;
  private nextYearStart = 0;
  private readonly localOffsets = new Map<number, number>();

  /** Zone-less timestamps are read in `zone`. */
  constructor(private readonly zone: TimeZoneOption = 'UTC') {}

  /**
   * ISO 8601 / RFC 3339 (`2026-11-23T07:00:01.123Z`, `+01:00`), Python logging
   * (`2026-11-23 07:00:01,123`) and nginx (`2026/11/23 07:00:01`).
   */
  isoAt(s: string, pos: number): boolean {
    const second = this.isoSecond(s, pos);
    if (second < 0) return false;
    const civil = second + this.fractionAt(s, pos + 19, true);
    const zone = this.zoneAt(s, this.end);
    this.ms = zone === undefined ? this.fromCivil(civil) : civil - zone;
    return true;
  }

  /** `YYYY-MM-DD hh:mm:ss` (or with `T`, or slashes) at `pos` as if UTC, in ms; -1 when it is not one. */
  private isoSecond(s: string, pos: number): number {
    const year = d4(s, pos);
    const sep = s.charCodeAt(pos + 4);
    if (year < 0 || (sep !== 45 /* - */ && sep !== 47) /* / */ || s.charCodeAt(pos + 7) !== sep) return -1;
    const month = d2(s, pos + 5);
    const day = d2(s, pos + 8);
    const t = s.charCodeAt(pos + 10);
    if (month < 1 || month > 12 || day < 1 || day > 31 || (t !== 84 /* T */ && t !== 32 /* space */ && t !== 116) /* t */) return -1;
    const clock = clockAt(s, pos + 11);
    return clock < 0 ? -1 : this.civil(year, month, day) + clock;
  }

  /** Syslog (RFC 3164) `Nov 23 07:00:01`, optionally with fractions; the year is the nearest past one. */
  syslogAt(s: string, pos: number): boolean {
    const month = monthAt(s, pos);
    if (month < 0 || s.charCodeAt(pos + 3) !== 32) return false;
    const day = s.charCodeAt(pos + 4) === 32 ? d1(s, pos + 5) : d2(s, pos + 4);
    if (day < 1 || day > 31 || s.charCodeAt(pos + 6) !== 32) return false;
    const clock = clockAt(s, pos + 7);
    if (clock < 0) return false;
    this.ms = this.inNearestPastYear(month, day, clock + this.fractionAt(s, pos + 15, false));
    return true;
  }

  /** glog/klog `1123 07:00:01.123456` (month, day, time; the letter before it is the level). */
  klogAt(s: string, pos: number): boolean {
    const month = d2(s, pos);
    const day = d2(s, pos + 2);
    if (month < 1 || month > 12 || day < 1 || day > 31 || s.charCodeAt(pos + 4) !== 32) return false;
    const clock = clockAt(s, pos + 5);
    if (clock < 0) return false;
    this.ms = this.inNearestPastYear(month, day, clock + this.fractionAt(s, pos + 13, false));
    return true;
  }

  /** The milliseconds of a fraction of a second at `i` (`.123`, or `,123` when `comma`); `end` goes past it. */
  private fractionAt(s: string, i: number, comma: boolean): number {
    const c = s.charCodeAt(i);
    if (!((c === 46 || (comma && c === 44)) && isDigit(s, i + 1))) {
      this.end = i;
      return 0;
    }
    let millis = 0;
    let k = i + 1;
    for (; k < i + 4 && isDigit(s, k); k++) millis = millis * 10 + s.charCodeAt(k) - 48;
    for (let short = k; short < i + 4; short++) millis *= 10;
    while (isDigit(s, k)) k++;
    this.end = k;
    return millis;
  }

  /** Formats without a year: this year, unless that is more than a day ahead (a December line read in January). */
  private inNearestPastYear(month: number, day: number, clock: number): number {
    const now = this.now;
    if (now >= this.nextYearStart || now < this.nextYearStart - 366 * DAY_MS) {
      const year = new Date(now).getUTCFullYear();
      this.year = year;
      this.nextYearStart = Date.UTC(year + 1, 0, 1);
    }
    const ms = this.fromCivil(this.civil(this.year, month, day) + clock);
    return ms > now + DAY_MS ? this.fromCivil(this.civil(this.year - 1, month, day) + clock) : ms;
  }

  /** Common log format `23/Nov/2026:07:00:01 +0000`. */
  clfAt(s: string, pos: number): boolean {
    const day = d2(s, pos);
    const month = monthAt(s, pos + 3);
    const year = d4(s, pos + 7);
    if (day < 1 || day > 31 || month < 0 || year < 0 || s.charCodeAt(pos + 2) !== 47 || s.charCodeAt(pos + 6) !== 47 || s.charCodeAt(pos + 11) !== 58) return false;
    const clock = clockAt(s, pos + 12);
    if (clock < 0) return false;
    const civil = this.civil(year, month, day) + clock;
    this.end = pos + 20;
    const zone = this.zoneAt(s, pos + 20);
    this.ms = zone === undefined ? this.fromCivil(civil) : civil - zone;
    return true;
  }

  /**
   * A timestamp given as a value (JSON, logfmt): epoch seconds, milliseconds, microseconds or
   * nanoseconds by magnitude, a numeric string, or a date string. NaN when it is none of those.
   */
  fromValue(value: unknown): number {
    if (typeof value === 'number') return fromEpoch(value);
    if (typeof value !== 'string' || value === '') return NaN;
    if (this.isoAt(value, 0)) return this.ms;
    const n = Number(value);
    if (Number.isFinite(n)) return fromEpoch(n);
    if (this.syslogAt(value, 0)) return this.ms;
    return Date.parse(value);
  }

  /** The zone offset (ms) written at `i` (`Z`, `+01:00`, `+0100`, ` +0100`), or undefined; sets `end`. */
  private zoneAt(s: string, i: number): number | undefined {
    const c = s.charCodeAt(i);
    if (c === 90 || c === 122) {
      this.end = i + 1;
      return 0;
    }
    let at = i;
    if (c === 32) at++;
    const sign = s.charCodeAt(at);
    if (sign !== 43 && sign !== 45) return undefined;
    const hours = d2(s, at + 1);
    if (hours < 0) return undefined;
    let minutesAt = at + 3;
    if (s.charCodeAt(minutesAt) === 58) minutesAt++;
    let minutes = d2(s, minutesAt);
    let end = minutesAt + 2;
    if (minutes < 0) {
      if (c === 32) return undefined; // " +01" is more likely text than a zone
      minutes = 0;
      end = at + 3;
    }
    this.end = end;
    const offset = (hours * 60 + minutes) * 60_000;
    return sign === 45 ? -offset : offset;
  }

  /** Midnight of a calendar day as if it were UTC; the last day is cached. */
  private civil(year: number, month: number, day: number): number {
    const key = year * 10_000 + month * 100 + day;
    if (key !== this.dayKey) {
      this.dayKey = key;
      this.dayMs = Date.UTC(year, month - 1, day);
    }
    return this.dayMs;
  }

  /** A zone-less civil time (computed as if UTC) in the configured zone. */
  private fromCivil(civil: number): number {
    if (this.zone === 'UTC') return civil;
    const hour = Math.floor(civil / HOUR_MS);
    let offset = this.localOffsets.get(hour);
    if (offset === undefined) {
      offset = new Date(civil).getTimezoneOffset() * 60_000;
      if (this.localOffsets.size > 1000) this.localOffsets.clear();
      this.localOffsets.set(hour, offset);
    }
    return civil + offset;
  }
}

/** Epoch seconds, milliseconds, microseconds or nanoseconds, told apart by magnitude. */
export function fromEpoch(n: number): number {
  const a = Math.abs(n);
  if (a < 1e11) return Math.round(n * 1000);
  if (a < 1e14) return Math.round(n);
  if (a < 1e17) return Math.round(n / 1000);
  return Math.round(n / 1e6);
}
