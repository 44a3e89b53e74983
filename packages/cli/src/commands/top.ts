import { apiUrl, type Registry } from '@vigil/core/runtime';
import type { EngineStatus } from '@vigil/core/status-api';
import { loadFromFlags, type SourceFlags } from '../load.js';
import { renderTop, type StatusSample } from '../top-screen.js';
import { UsageError } from '../usage.js';

export interface TopFlags extends SourceFlags {
  url?: string;
  token?: string;
}

const REFRESH_MS = 1_000;
const REQUEST_TIMEOUT_MS = 2_000;

/** The API to read: --url, else the [api] listen of the configuration (--config, or the default sources). */
async function target(flags: TopFlags, registry: Registry): Promise<{ url: string; token: string }> {
  const fromEnv = process.env.VIGIL_API_TOKEN ?? '';
  if (flags.url) {
    if (!/^https?:\/\//i.test(flags.url)) throw new UsageError(`--url must be an http:// or https:// URL, got "${flags.url}"`);
    return { url: flags.url.replace(/\/+$/, ''), token: flags.token ?? fromEnv };
  }
  const config = await loadFromFlags(flags, registry);
  const url = apiUrl(config.api.listen);
  if (!url) throw new UsageError('the configuration has no [api] listen address: set one, or pass --url');
  return { url, token: flags.token ?? (config.api.token || fromEnv) };
}

async function poll(url: string, token: string): Promise<EngineStatus> {
  const res = await fetch(`${url}/.well-known/engine-status`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  if (res.status === 401) throw new Error(`the API wants a token (401): pass --token, or --config with the [api] token`);
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return (await res.json()) as EngineStatus;
}

function reason(err: unknown): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError') return `no answer within ${REQUEST_TIMEOUT_MS / 1000} s`;
  return e.cause?.code ?? e.cause?.message ?? e.message;
}

/**
 * `vigil top`: a live view of a running agent over its status API, redrawn every second in the
 * terminal's alternate screen; q (or Ctrl-C) quits. Without a terminal it prints one frame.
 */
export async function top(flags: TopFlags, registry: Registry): Promise<number> {
  const { url, token } = await target(flags, registry);
  const out = process.stdout;
  const interactive = out.isTTY === true;
  let previous: StatusSample | undefined;
  let current: StatusSample | undefined;
  let problem: string | undefined;

  const read = async () => {
    try {
      const doc = await poll(url, token);
      previous = current;
      current = { doc, at: Date.now() };
      problem = undefined;
    } catch (err) {
      problem = reason(err);
    }
  };

  if (!interactive) {
    await read();
    out.write(renderTop(current, undefined, { width: 80, url, live: false, problem }).join('\n') + '\n');
    return current ? 0 : 1;
  }

  const draw = () => {
    const lines = renderTop(current, previous, { width: out.columns || 80, url, live: true, problem });
    const rows = out.rows || lines.length;
    out.write(`\x1b[H${lines.slice(0, rows).join('\x1b[K\r\n')}\x1b[K\x1b[J`);
  };

  return new Promise<number>((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    let done = false;
    const stdin = process.stdin;
    const quit = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (stdin.isTTY) stdin.setRawMode(false);
      stdin.pause();
      out.off('resize', draw);
      out.write('\x1b[?25h\x1b[?1049l');
      resolve(0);
    };
    out.write('\x1b[?1049h\x1b[?25l');
    if (stdin.isTTY) stdin.setRawMode(true);
    stdin.setEncoding('utf8');
    stdin.on('data', (key: string) => {
      if (key === 'q' || key === 'Q' || key === '\x03' || key === '\x1b') quit();
    });
    stdin.resume();
    out.on('resize', draw);
    process.once('SIGINT', quit);
    process.once('SIGTERM', quit);
    const loop = async () => {
      await read();
      if (done) return;
      draw();
      timer = setTimeout(() => void loop(), REFRESH_MS);
    };
    draw();
    void loop();
  });
}
