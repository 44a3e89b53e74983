import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { nkeys } from '@nats-io/transport-node';
import { newMetric, type OutputPlugin, type WriteResult } from '@vigil/core';
import { createOutput, makeTestCertificates, writeContext, type TestCertificates } from '@vigil/core/testing';
import nats from './index.js';
import { NatsServer, stopAllNatsServers } from './test-nats-server.js';

const cpu = newMetric('cpu', { usage_idle: 97.5 }, { host: 'web-01' }, 1763881200000);
const outputs: OutputPlugin[] = [];

afterEach(async () => {
  await Promise.all(outputs.splice(0).map((o) => o.close?.()));
});
afterAll(stopAllNatsServers);

function natsOutput(options: Record<string, unknown>) {
  const { plugin, ctx } = createOutput(nats, options);
  outputs.push(plugin);
  return { output: plugin, ring: ctx.ring };
}

const write = (output: OutputPlugin) => Promise.resolve(output.write([cpu], writeContext())) as Promise<WriteResult>;

describe('outputs.nats authentication', () => {
  let server: NatsServer;
  beforeAll(async () => {
    server = await NatsServer.start({ user: 'agent', pass: 'right-pass-42' });
  });

  it('bad credentials: one reason naming the server, never the password; the plugin logs nothing itself', async () => {
    const { output, ring } = natsOutput({ servers: [server.url], username: 'agent', password: 'wrong-pass-17' });
    const reason = `${server.url}: authorization violation: the server refused the username and password`;
    await expect(output.connect!()).rejects.toThrow(new Error(reason));
    // The agent logs the failed connect and keeps buffering; a write tries again, with the same reason.
    expect(await write(output)).toEqual({ outcome: 'retry', reason });
    expect(ring.entries()).toEqual([]);
  });

  it('a password changed on the server: the client gives up after two refusals, says so once, and the next write connects anew', async () => {
    const broker = await NatsServer.start({ user: 'agent', pass: 'first-pass-1' });
    const { output, ring } = natsOutput({ servers: [broker.url], username: 'agent', password: 'first-pass-1' });
    await output.connect!();
    await broker.stop();
    broker.options.pass = 'second-pass-2';
    await broker.launch();
    const gaveUp = `${broker.url}: authorization violation: the server refused the username and password; the client gave up reconnecting, the next write connects again`;
    const deadline = Date.now() + 10_000;
    while (!ring.entries().some((e) => e.message === gaveUp) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(ring.entries().filter((e) => e.level === 'error').map((e) => e.message)).toEqual([gaveUp]);
    expect(await write(output)).toEqual({ outcome: 'retry', reason: `${broker.url}: authorization violation: the server refused the username and password` });
  });

  it('no credentials for a server that wants them: says so', async () => {
    const { output } = natsOutput({ servers: [server.url] });
    await expect(output.connect!()).rejects.toThrow(`${server.url}: authorization violation: the server wants credentials and none are configured`);
  });

  it('the right username and password: written', async () => {
    const { output } = natsOutput({ servers: [server.url], username: 'agent', password: 'right-pass-42' });
    await output.connect!();
    expect(await write(output)).toEqual({ outcome: 'written' });
  });

  it('a token: written with the right one, refused with another', async () => {
    const guarded = await NatsServer.start({ args: ['--auth', 'tok-3141592'] });
    const good = natsOutput({ servers: [guarded.url], token: 'tok-3141592' }).output;
    await good.connect!();
    expect(await write(good)).toEqual({ outcome: 'written' });
    const bad = natsOutput({ servers: [guarded.url], token: 'tok-2718281' }).output;
    await expect(bad.connect!()).rejects.toThrow(new Error(`${guarded.url}: authorization violation: the server refused the token`));
  });

  it('an nkey seed file: written as the user whose public key the server knows', async () => {
    const user = nkeys.createUser();
    const stranger = nkeys.createUser();
    const guarded = await NatsServer.start({
      config: `authorization { users = [ { nkey: ${user.getPublicKey()} }, { user: watcher, password: watcher-pw } ] }\n`,
      client: { user: 'watcher', pass: 'watcher-pw' },
    });
    const seedFile = join(guarded.dir, 'seed.txt');
    writeFileSync(seedFile, `# the agent's nkey\n${new TextDecoder().decode(user.getSeed())}\n`);
    const good = natsOutput({ servers: [guarded.url], nkey_seed: seedFile }).output;
    await good.connect!();
    expect(await write(good)).toEqual({ outcome: 'written' });
    const strangerFile = join(guarded.dir, 'stranger.txt');
    writeFileSync(strangerFile, new TextDecoder().decode(stranger.getSeed()));
    const bad = natsOutput({ servers: [guarded.url], nkey_seed: strangerFile }).output;
    await expect(bad.connect!()).rejects.toThrow(new Error(`${guarded.url}: authorization violation: the server refused the nkey seed of ${strangerFile}`));
  });
});

describe('outputs.nats over TLS', () => {
  let certs: TestCertificates;
  let server: NatsServer;
  beforeAll(async () => {
    certs = makeTestCertificates();
    server = await NatsServer.start({ args: ['--tls', '--tlscert', certs.server.cert, '--tlskey', certs.server.key], clientCa: readFileSync(certs.caFile, 'utf8') });
  });
  afterAll(() => certs.remove());

  it('trusts the server through tls_ca', async () => {
    const { output } = natsOutput({ servers: [server.url], tls_ca: certs.caFile });
    await output.connect!();
    expect(await write(output)).toEqual({ outcome: 'written' });
  });

  it('refuses a server it cannot verify, with the reason', async () => {
    const { output } = natsOutput({ servers: [server.url], secure: true });
    await expect(output.connect!()).rejects.toThrow(`${server.url}: unable to verify the first certificate`);
  });

  it('accepts any server with insecure_skip_verify', async () => {
    const { output } = natsOutput({ servers: [server.url], insecure_skip_verify: true });
    await output.connect!();
    expect(await write(output)).toEqual({ outcome: 'written' });
  });
});
