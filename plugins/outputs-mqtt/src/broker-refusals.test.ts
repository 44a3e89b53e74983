// What a broker that says no leads to: wrong credentials, a topic its ACL denies, a message
// larger than it takes. One mosquitto with a password file, an ACL and max_packet_size.
import { newMetric, type OutputPlugin } from '@vigil/core';
import { createOutput, writeContext } from '@vigil/core/testing';
import mqtt from './index.js';
import { TestBroker, Subscriber } from './test-broker.js';

const PASSWORD = 'correct-horse-battery';
const MAX_PACKET = 2000;
const cpu = newMetric('cpu', { usage_idle: 97.5 }, { host: 'web-01' }, 1763881200000);
const huge = newMetric('blob', { text: 'x'.repeat(MAX_PACKET) }, {}, 1763881200000);

let broker: TestBroker;
const outputs: OutputPlugin[] = [];
let count = 0;

beforeAll(async () => {
  broker = await TestBroker.start({
    users: { agent: PASSWORD, reader: 'reader-pass' },
    acl: 'user agent\ntopic write vigil/#\n\nuser reader\ntopic read #\n',
    maxPacketSize: MAX_PACKET,
  });
});
afterAll(() => broker.remove());
afterEach(async () => {
  await Promise.all(outputs.splice(0).map((o) => o.close?.()));
});

function mqttOutput(options: Record<string, unknown>) {
  const { plugin, ctx } = createOutput(mqtt, { servers: [broker.url], username: 'agent', password: PASSWORD, client_id: `refusals-${++count}`, ...options });
  outputs.push(plugin);
  return { plugin, ring: ctx.ring };
}

describe('outputs.mqtt: a broker that refuses', () => {
  it.each(['3.1.1', '5'])('bad credentials (MQTT %s): connect() fails with one clear reason naming the server and no secret; writes are retried with it', async (protocol) => {
    const { plugin, ring } = mqttOutput({ password: 'wrong-password-123', protocol });
    const refused = protocol === '5' ? 'refused: not authorized (0x87)' : 'refused: not authorized: check username and password';
    const error = await Promise.resolve(plugin.connect!()).then(() => undefined, (err: Error) => err.message);
    expect(error).toBe(`${broker.url}: ${refused}`);
    expect(await plugin.write([cpu], writeContext())).toEqual({ outcome: 'retry', reason: `${broker.url}: not connected (${refused}); reconnecting in the background` });
    expect(ring.entries().filter((e) => e.level === 'warn' || e.level === 'error')).toEqual([]);
    expect(error).not.toContain('wrong-password-123');
  });

  it('the right credentials: written, and seen by a reader the ACL lets read', async () => {
    const reader = await Subscriber.connect(broker.url, 'vigil/#', { username: 'reader', password: 'reader-pass' });
    try {
      const { plugin } = mqttOutput({});
      await plugin.connect!();
      expect(await plugin.write([cpu], writeContext())).toEqual({ outcome: 'written' });
      await reader.until((m) => m.length === 1);
      expect(reader.messages[0].topic).toBe('vigil/web-01/cpu');
    } finally {
      await reader.close();
    }
  });

  it('MQTT 5: a topic the ACL denies is refused for good (not authorized), and the batch rejected', async () => {
    const { plugin } = mqttOutput({ protocol: '5', topic: 'denied/{{ .PluginName }}' });
    await plugin.connect!();
    expect(await plugin.write([cpu], writeContext())).toEqual({ outcome: 'rejected', reason: `${broker.url} refused a message (topic "denied/cpu"): not authorized (0x87)` });
  });

  it('MQTT 3.1.1 has no way to say no: mosquitto acknowledges a message its ACL denies, and drops it', async () => {
    const { plugin } = mqttOutput({ protocol: '3.1.1', topic: 'denied/{{ .PluginName }}' });
    await plugin.connect!();
    expect(await plugin.write([cpu], writeContext())).toEqual({ outcome: 'written' });
  });

  it("MQTT 5: a message beyond the broker's maximum packet size is rejected before it is sent, and the connection stays", async () => {
    const { plugin } = mqttOutput({ protocol: '5' });
    await plugin.connect!();
    const result = await plugin.write([cpu, huge], writeContext());
    // Payload: 'blob text="' + 2000 x + '" ' + 19 digits + '\n' = 2033 bytes; plus 2 + 10 (topic "vigil/blob"),
    // 2 (packet id), 1 (no properties) = 2048, after a 1-byte type and a 2-byte length: 2051.
    expect(result).toEqual({ outcome: 'rejected', reason: `${broker.url}: a message of 2051 bytes (topic "vigil/blob") exceeds the broker's maximum of ${MAX_PACKET} bytes` });
    expect(await plugin.write([cpu], writeContext())).toEqual({ outcome: 'written' });
  });
});
