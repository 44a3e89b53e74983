/**
 * `@vigil/core/http`: the shared HTTP client behind Telegraf's HTTP-client options. A subpath of
 * its own because got and its agents cost about 20 MiB: an agent whose config names no HTTP
 * plugin never loads them.
 */
export { createHttpClient } from './sdk/http-client.js';
