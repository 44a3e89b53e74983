import type { Got, Method, PromiseCookieJar } from 'got';
import type { CookieJar } from 'tough-cookie';
import { redactUrlCredentials } from '../log/redactor.js';

export interface CookieAuthSettings {
  url: string;
  method: string;
  username: string;
  password: string;
  headers: Record<string, string>;
  body: string;
  /** Milliseconds; 0: once. */
  renewalMs: number;
}

/**
 * Telegraf's cookie authentication: one request to a login URL whose Set-Cookie headers fill a
 * jar the plugin's requests then send from. It happens before the first request and again at
 * the first request `renewalMs` after the last one, so no timer outlives the plugin.
 */
export class CookieAuth {
  /**
   * The jar, for got's `cookieJar`. tough-cookie (with its list of public suffixes) is loaded
   * at the first request, not with every import of @vigil/core.
   */
  readonly jar: PromiseCookieJar = {
    getCookieString: async (url) => (await this.cookieJar()).getCookieString(url),
    setCookie: async (rawCookie, url) => (await this.cookieJar()).setCookie(rawCookie, url),
  };
  private loadedJar?: Promise<CookieJar>;
  private authenticatedAt?: number;
  private pending?: Promise<void>;

  constructor(
    private readonly settings: CookieAuthSettings,
    private readonly request: Got,
  ) {}

  private cookieJar(): Promise<CookieJar> {
    this.loadedJar ??= import('tough-cookie').then(({ CookieJar }) => new CookieJar());
    return this.loadedJar;
  }

  /** Resolves once the jar holds fresh cookies; throws naming the login URL when it could not. */
  async ready(): Promise<void> {
    const { renewalMs } = this.settings;
    const fresh = this.authenticatedAt !== undefined && (renewalMs === 0 || Date.now() - this.authenticatedAt < renewalMs);
    if (fresh) return;
    this.pending ??= this.authenticate().finally(() => (this.pending = undefined));
    return this.pending;
  }

  private async authenticate(): Promise<void> {
    const s = this.settings;
    const headers: Record<string, string> = { ...s.headers };
    if (s.username || s.password) headers.authorization = `Basic ${Buffer.from(`${s.username}:${s.password}`).toString('base64')}`;
    const shown = redactUrlCredentials(s.url);
    let status: number;
    try {
      const response = await this.request(s.url, { method: s.method as Method, headers, body: s.body || undefined, cookieJar: this.jar, responseType: 'text' });
      status = response.statusCode;
    } catch (err) {
      throw new Error(`cookie authentication at ${shown}: ${(err as Error).message.split('\n')[0]}`);
    }
    if (status !== 200) throw new Error(`cookie authentication at ${shown}: status ${status}`);
    this.authenticatedAt = Date.now();
  }
}
