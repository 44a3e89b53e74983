/**
 * Knows every secret value the configuration holds (header values, tokens, passwords, URL
 * credentials) and blanks them out of any text before it is logged or shown.
 */
export class Redactor {
  private secrets: string[] = [];

  /** Values shorter than 3 characters are ignored: blanking them would garble every line. */
  add(value: string): void {
    if (value.length >= 3 && !this.secrets.includes(value)) {
      this.secrets.push(value);
      this.secrets.sort((a, b) => b.length - a.length);
    }
  }

  redact(text: string): string {
    for (const s of this.secrets) if (text.includes(s)) text = text.split(s).join('***');
    return text;
  }

  /** A deep copy of `value` with every secret string blanked out. */
  redactDeep<T>(value: T): T {
    if (typeof value === 'string') return this.redact(value) as T;
    if (Array.isArray(value)) return value.map((v) => this.redactDeep(v)) as T;
    if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = this.redactDeep(v);
      return out as T;
    }
    return value;
  }
}

/** `https://user:pass@host/x` → `https://user:***@host/x`; anything else unchanged. */
export function redactUrlCredentials(url: string): string {
  try {
    const u = new URL(url);
    if (!u.password && !u.username) return url;
    if (u.password) u.password = '***';
    else u.username = '***';
    return u.toString();
  } catch {
    return url;
  }
}
