// A broker restart in the middle of a stream of writes, as the agent would make them: a batch
// that is not written is offered again (here after 20 ms, the agent waits its backoff) until it is.
import { newMetric, type Item, type OutputPlugin, type WriteResult } from '@vigil/core';
import { createOutput, writeContext } from '@vigil/core/testing';
import mqtt from './index.js';
import { TestBroker, Subscriber } from './test-broker.js';

const BATCHES = 40;
const BATCH = 50;

let broker: TestBroker;
let output: OutputPlugin | undefined;
let subscriber: Subscriber | undefined;

beforeAll(async () => {
  broker = await TestBroker.start({ persistence: true });
});
afterAll(async () => {
  await output?.close?.();
  await subscriber?.close();
  await broker.remove();
});

function batch(index: number): Item[] {
  return Array.from({ length: BATCH }, (_, i) => newMetric('seq', { n: BigInt(index * BATCH + i) }, {}, 1763881200000 + index * BATCH + i));
}

interface Attempt {
  result: WriteResult | void;
  ms: number;
}

describe('outputs.mqtt: a broker restart', () => {
  it('stopped mid-stream: writes return a retry at once while it is down, go through once it is back on the same port, and nothing is lost at QoS 1', async () => {
    // A persistent session (clean = false) keeps what arrives for the watcher while the broker is down.
    subscriber = await Subscriber.connect(broker.url, 'restart/#', { qos: 1, clientId: 'restart-watcher', clean: false });
    output = createOutput(mqtt, { servers: [broker.url], qos: 1, topic: 'restart/{{ .PluginName }}', client_id: 'restart-agent' }).plugin;
    await output.connect!();

    const attempts: Attempt[] = [];
    let written = 0;
    const writer = (async () => {
      for (let b = 0; b < BATCHES; b++) {
        const context = writeContext();
        for (;;) {
          const started = Date.now();
          const result = await output!.write(batch(b), context);
          attempts.push({ result, ms: Date.now() - started });
          if (result?.outcome === 'written') break;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        written++;
      }
    })();
    const retries = () => attempts.filter((a) => a.result?.outcome === 'retry');

    while (written < 10) await new Promise((resolve) => setTimeout(resolve, 5));
    await broker.stop();
    while (retries().length < 5) await new Promise((resolve) => setTimeout(resolve, 5));
    await broker.run();
    await writer;

    const expected = BATCHES * BATCH;
    await subscriber.until((m) => new Set(m.map((x) => x.payload)).size >= expected, 20_000);
    const numbers = subscriber.messages.map((m) => Number(/ n=(\d+)i /.exec(m.payload)![1]));
    const distinct = new Set(numbers);
    expect([...distinct].sort((a, b) => a - b)).toEqual(Array.from({ length: expected }, (_, i) => i));
    // Repeats come from the one batch in flight when the broker went (sent again whole), and
    // from what the broker had sent the watcher without seeing its acknowledgement (20 at most).
    const duplicates = numbers.length - distinct.size;
    expect(duplicates).toBeLessThanOrEqual(BATCH + 20);
    console.log(`broker restart: ${expected} items, ${retries().length} retried writes, ${duplicates} duplicates at the subscriber`);

    for (const { result, ms } of retries()) {
      expect((result as { reason: string }).reason).toMatch(new RegExp(`^${broker.url}: (not connected|connection lost)`));
      expect(ms).toBeLessThan(500);
    }
  });
});
