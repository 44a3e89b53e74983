/** Headers that carry nothing of the user's, kept on a request to an origin not configured. */
const HEADERS_ANY_ORIGIN = new Set(['user-agent', 'accept', 'accept-encoding', 'content-type', 'content-length', 'content-encoding']);

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/**
 * The origins (scheme, host and port) a plugin's credentials may go to: those of its configured
 * URLs. A request anywhere else, which only a followed redirect makes, keeps only the headers
 * that say nothing of the user's. got's own rule drops only `authorization` and `cookie`, and
 * not on a change of scheme.
 */
export class TrustedOrigins {
  private readonly origins: Set<string>;

  constructor(urls: string[]) {
    this.origins = new Set(urls.flatMap((u) => originOf(u) ?? []));
  }

  /** Adds the origin of a URL the plugin learned from a trusted server (an enrollment naming where to send). */
  trust(url: string): void {
    const origin = originOf(url);
    if (origin) this.origins.add(origin);
  }

  has(url: URL | string): boolean {
    return this.origins.has(typeof url === 'string' ? (originOf(url) ?? '') : url.origin);
  }

  /**
   * Removes from `headers` every header a request to `url` must not carry; returns whether
   * `url` is trusted, so that the caller adds its credentials (token, cookies) only then.
   */
  strip(url: URL | string, headers: Record<string, unknown>): boolean {
    if (this.has(url)) return true;
    for (const name of Object.keys(headers)) if (!HEADERS_ANY_ORIGIN.has(name.toLowerCase())) delete headers[name];
    return false;
  }
}
