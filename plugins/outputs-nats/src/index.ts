import { defineOutput, readSample } from '@vigil/core';
import { NatsOutput } from './nats-output.js';
import { checkNatsOutputOptions, schema, type NatsOutputOptions } from './options.js';

export default defineOutput<NatsOutputOptions>({
  name: 'nats',
  description: 'Publishes metrics and logs to NATS subjects, or to a JetStream stream that acknowledges and deduplicates them',
  accepts: ['metric', 'log'],
  sample: readSample(import.meta.url),
  schema,
  check: checkNatsOutputOptions,
  create(ctx) {
    const output = new NatsOutput(ctx);
    return {
      connect: () => output.connect(),
      write: (batch, context) => output.write(batch, context),
      close: () => output.close(),
    };
  },
});
