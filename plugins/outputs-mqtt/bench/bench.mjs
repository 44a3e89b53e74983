// Figures for outputs.mqtt: messages and items per second published to a local mosquitto
// (started here, on a free loopback port) at QoS 0 and 1, over MQTT 3.1.1 and 5, one message per
// item ("non-batch") and one per write ("batch"). Each write is awaited before the next, as the
// agent does; at QoS 0 a write ends once its messages are handed to the socket, at QoS 1 once
// the broker acknowledged every one. Run after `npm run build`.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { newMetric } from '@vigil/core';
import { createOutput, writeContext } from '@vigil/core/testing';
import mqttOutput from '../dist/index.js';

const MOSQUITTO = ['/usr/sbin/mosquitto', '/usr/bin/mosquitto'].find(existsSync);
if (!MOSQUITTO) {
  console.log('mosquitto is not installed (apt-get install mosquitto): no figures');
  process.exit(0);
}

const BATCH = 1000;
const ROUNDS = 20;
/** A batch write is one message: more of them, for a measurable time. */
const BATCH_WRITES = 300;

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const canConnect = (port) =>
  new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

const dir = mkdtempSync(join(tmpdir(), 'vigil-mqtt-bench-'));
const port = await freePort();
writeFileSync(join(dir, 'mosquitto.conf'), `user ${userInfo().username}\nlog_dest stderr\nlog_type error\nlistener ${port} 127.0.0.1\nallow_anonymous true\n`);
const broker = spawn(MOSQUITTO, ['-c', join(dir, 'mosquitto.conf')], { stdio: 'ignore' });
const started = Date.now();
while (!(await canConnect(port))) {
  if (Date.now() - started > 10_000) throw new Error('mosquitto did not start');
  await new Promise((resolve) => setTimeout(resolve, 20));
}

function batch(round) {
  const base = 1763881200000 + round * 10_000;
  return Array.from({ length: BATCH }, (_, i) => newMetric('cpu', { usage_idle: Math.random() * 100, usage_user: Math.random() * 10, count: BigInt(i) }, { cpu: `cpu${i % 64}`, host: 'web-01' }, base + i));
}

const perSecond = (count, ns) => Math.round(count / (Number(ns) / 1e9)).toLocaleString('en-US');

const cases = [
  ['non-batch', 0, '3.1.1'],
  ['non-batch', 1, '3.1.1'],
  ['non-batch', 0, '5'],
  ['non-batch', 1, '5'],
  ['batch', 0, '3.1.1'],
  ['batch', 1, '3.1.1'],
  ['batch', 1, '5'],
];
try {
  const batches = Array.from({ length: ROUNDS }, (_, r) => batch(r));
  for (const [layout, qos, protocol] of cases) {
    const { plugin } = createOutput(mqttOutput, { servers: [`tcp://127.0.0.1:${port}`], layout, qos, protocol, client_id: `bench-${layout}-${qos}-${protocol}` });
    await plugin.connect();
    await plugin.write(batches[0], writeContext()); // warm up
    const writes = layout === 'batch' ? BATCH_WRITES : ROUNDS;
    let messages = 0;
    const t0 = process.hrtime.bigint();
    for (let w = 0; w < writes; w++) {
      const items = batches[w % ROUNDS];
      const result = await plugin.write(items, writeContext());
      if (result.outcome !== 'written') throw new Error(`${layout} qos ${qos}: ${result.reason}`);
      messages += layout === 'batch' ? 1 : items.length;
    }
    const ns = process.hrtime.bigint() - t0;
    console.log(
      `${layout.padEnd(9)} QoS ${qos} MQTT ${protocol.padEnd(5)}: ${perSecond(messages, ns).padStart(9)} messages/s, ${perSecond(writes * BATCH, ns).padStart(9)} items/s (writes of ${BATCH} items)`,
    );
    await plugin.close();
  }
} finally {
  broker.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}
