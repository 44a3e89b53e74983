// Events per second outputs.ingest (edge contract) turns into envelopes and POSTs to a gateway
// stand-in on 127.0.0.1 that reads each body and answers 202; batches of 1000 log records.
// Needs the built dist/.
import { createServer } from 'node:http';
import { newLogRecord } from '@vigil/core';
import { createOutput, writeContext } from '@vigil/core/testing';
import ingest from '../dist/index.js';

const BATCH = 1000;
const BATCHES = 50;

const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => res.writeHead(202).end('{}'));
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${server.address().port}`;

const records = Array.from({ length: BATCH }, (_, i) =>
  newLogRecord({ level: i % 10 === 0 ? 'error' : 'info', message: `GET /api/orders/${i} 200 12ms user=${i % 97}`, source: '/var/log/app.log', attributes: { request_id: `r-${i}` } }, 'logs'),
);

for (const content_encoding of ['identity', 'gzip']) {
  const { plugin } = createOutput(ingest, {
    api_url: url,
    token: 'bench-token',
    workspace_id: '3f0e8a52-6a47-4a43-9d55-2b1f1c6f9b11',
    heartbeat_interval: '0s',
    content_encoding,
    events: [{ type: 'BackupFailure', when: 'kind == "log" && level == "error" && message.contains("backup")', severity: 'critical' }],
  });
  const started = process.hrtime.bigint();
  for (let b = 0; b < BATCHES; b++) {
    const result = await plugin.write(records, writeContext({ itemIds: records.map((_, i) => `${b}-${i}`) }));
    if (result.outcome !== 'written') throw new Error(`write failed: ${result.reason}`);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await plugin.close();
  console.log(`outputs.ingest edge, ${content_encoding.padEnd(8)} ${Math.round((BATCH * BATCHES) / seconds).toLocaleString('en-US')} events/s  (${BATCHES} batches of ${BATCH} log records, one rule, to 127.0.0.1)`);
}
server.close();
