import type { Got } from 'got';
import { redactUrlCredentials } from '../log/redactor.js';

/** Renew this long before the token's end, as Go's oauth2 does, so no request carries a token about to expire. */
const EXPIRY_MARGIN_MS = 10_000;

export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
  tokenUrl: string;
  audience: string;
  scopes: string[];
}

/**
 * OAuth2 client-credentials tokens (RFC 6749 §4.4), fetched when first needed and reused until
 * they expire; requests waiting for the same token share one fetch. A token without
 * `expires_in` is kept for the life of the plugin, as Go's oauth2 keeps it.
 */
export class OAuth2Token {
  private token?: { value: string; expiresAt: number };
  private pending?: Promise<string>;

  constructor(
    private readonly credentials: ClientCredentials,
    private readonly request: Got,
  ) {}

  /** The access token to send, fetched when there is none or it is about to expire. */
  async current(): Promise<string> {
    if (this.token && Date.now() < this.token.expiresAt) return this.token.value;
    this.pending ??= this.fetch().finally(() => (this.pending = undefined));
    return this.pending;
  }

  private async fetch(): Promise<string> {
    const c = this.credentials;
    const form: Record<string, string> = { grant_type: 'client_credentials' };
    if (c.scopes.length > 0) form.scope = c.scopes.join(' ');
    if (c.audience) form.audience = c.audience;
    // Client id and secret in the Authorization header, form-encoded first (RFC 6749 §2.3.1).
    const basic = Buffer.from(`${encodeURIComponent(c.clientId)}:${encodeURIComponent(c.clientSecret)}`).toString('base64');
    const shown = redactUrlCredentials(c.tokenUrl);
    let response;
    try {
      response = await this.request.post(c.tokenUrl, { form, headers: { authorization: `Basic ${basic}`, accept: 'application/json' }, responseType: 'text' });
    } catch (err) {
      throw new Error(`OAuth2 token from ${shown}: ${(err as Error).message.split('\n')[0]}`);
    }
    if (response.statusCode !== 200) throw new Error(`OAuth2 token from ${shown}: status ${response.statusCode}`);
    let answer: { access_token?: unknown; expires_in?: unknown };
    try {
      answer = JSON.parse(response.body);
    } catch {
      throw new Error(`OAuth2 token from ${shown}: the answer is not JSON`);
    }
    if (typeof answer.access_token !== 'string' || answer.access_token === '') throw new Error(`OAuth2 token from ${shown}: no access_token in the answer`);
    const lifetimeMs = Number(answer.expires_in) * 1000;
    const expiresAt = Number.isFinite(lifetimeMs) && lifetimeMs > 0 ? Date.now() + lifetimeMs - EXPIRY_MARGIN_MS : Infinity;
    this.token = { value: answer.access_token, expiresAt };
    return answer.access_token;
  }
}
