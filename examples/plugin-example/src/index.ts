import { defineInput, readSample } from '@vigil/core';

interface ExampleOptions {
  greeting: string;
  start: number;
}

/** A complete third-party input: options with defaults, a check, and a gather. */
export const exampleInput = defineInput<ExampleOptions>({
  name: 'example',
  description: 'Emits a greeting and a counter (an example third-party plugin)',
  sample: readSample(import.meta.url),
  schema: {
    type: 'object',
    properties: {
      greeting: { type: 'string', default: 'hello', description: 'Text of the "greeting" field.' },
      start: { type: 'integer', default: 0, description: 'Value the "count" field starts from.' },
    },
  },
  check: (options) => (options.start < 0 ? { option: 'start', message: 'option "start" must be 0 or more' } : undefined),
  create({ options }) {
    let count = BigInt(options.start);
    return {
      gather(acc) {
        acc.addFields('example', { greeting: options.greeting, count: count++ });
      },
    };
  },
});

export default [exampleInput];
