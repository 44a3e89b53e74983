import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from '../registry.js';
import { loadConfig } from './load.js';
import { readSources } from './sources.js';
import { ConfigErrors } from './errors.js';
import { apiUrl, isLoopbackHost, parseListen } from './api-settings.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-api-config-'));
async function load(text: string) {
  const path = join(dir, 'vigil.toml');
  writeFileSync(path, text);
  return loadConfig(await readSources([path]), new Registry());
}
async function errorsOf(text: string): Promise<string[]> {
  try {
    await load(text);
  } catch (err) {
    if (err instanceof ConfigErrors) return err.errors.map((e) => e.message.replace(dir + '/', ''));
    throw err;
  }
  throw new Error('expected the config to be rejected');
}

describe('[api]', () => {
  afterEach(() => delete process.env.VIGIL_TEST_API_TOKEN);

  it('is off unless listen is set', async () => {
    expect((await load('')).api).toEqual({ listen: '', token: '' });
  });

  it('takes a loopback address without a token, and keeps the token as a secret', async () => {
    expect((await load('[api]\n  listen = "127.0.0.1:8686"\n')).api).toEqual({ listen: '127.0.0.1:8686', token: '' });
    process.env.VIGIL_TEST_API_TOKEN = 'tok-from-env-1';
    const config = await load('[api]\n  listen = "0.0.0.0:8686"\n  token = "${VIGIL_TEST_API_TOKEN}"\n');
    expect(config.api).toEqual({ listen: '0.0.0.0:8686', token: 'tok-from-env-1' });
    expect(config.secrets).toContain('tok-from-env-1');
  });

  it('refuses an address other hosts can reach without a token, in one line at the listen line', async () => {
    expect(await errorsOf('[agent]\n  interval = "10s"\n[api]\n  listen = "0.0.0.0:8686"\n')).toEqual([
      'vigil.toml:4: api: option "listen" = "0.0.0.0:8686" is reachable from other hosts, so "token" must be set (token = "${VIGIL_API_TOKEN}"), or listen on 127.0.0.1',
    ]);
    // An unset variable leaves the token empty: still refused.
    expect(await errorsOf('[api]\n  listen = ":8686"\n  token = "${VIGIL_TEST_API_TOKEN}"\n')).toHaveLength(1);
  });

  it('refuses a listen that is not HOST:PORT and an unknown option, with the nearest name', async () => {
    expect(await errorsOf('[api]\n  listen = "8686"\n')).toEqual(['vigil.toml:2: api: option "listen" must be "HOST:PORT" such as "127.0.0.1:8686", got "8686"']);
    expect(await errorsOf('[api]\n  listen = "127.0.0.1:8686"\n  tokn = "x"\n')).toEqual(['vigil.toml:3: api: option "tokn" is not allowed (did you mean "token"?)']);
  });

  it('parses listen addresses and tells loopback from the rest', () => {
    expect(parseListen('127.0.0.1:8686')).toEqual({ host: '127.0.0.1', port: 8686 });
    expect(parseListen('[::1]:0')).toEqual({ host: '::1', port: 0 });
    expect(parseListen(':8686')).toEqual({ host: '', port: 8686 });
    expect(parseListen('localhost:70000')).toBeUndefined();
    expect(parseListen('[nothost]:80')).toBeUndefined();
    expect(['localhost', '127.0.0.1', '127.8.9.10', '::1'].filter(isLoopbackHost)).toHaveLength(4);
    expect(['', '0.0.0.0', '::', '10.0.0.1', 'example.com', '128.0.0.1'].filter(isLoopbackHost)).toEqual([]);
    expect([':8686', '0.0.0.0:1', '[::]:2', '[::1]:3', 'host.lan:4'].map(apiUrl)).toEqual(['http://127.0.0.1:8686', 'http://127.0.0.1:1', 'http://[::1]:2', 'http://[::1]:3', 'http://host.lan:4']);
  });
});
