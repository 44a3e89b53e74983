// proxy-from-env ships no types.
declare module 'proxy-from-env' {
  /** The proxy URL HTTP_PROXY / HTTPS_PROXY / ALL_PROXY name for `url`, "" when none or NO_PROXY excludes it. */
  export function getProxyForUrl(url: string): string;
}
