const WORDS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
};

/**
 * A socket error's code (`err.code`) in the words an output's reasons use ("connection
 * refused"); undefined for a code without words here, whose message then says it best.
 */
export function socketErrorText(code: unknown): string | undefined {
  return typeof code === 'string' && Object.hasOwn(WORDS, code) ? WORDS[code] : undefined;
}
