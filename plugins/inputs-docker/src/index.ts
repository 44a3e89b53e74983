import { defineInput, readSample } from '@vigil/core';
import { createDockerInput } from './docker-input.js';
import { checkOptions, schema, type DockerOptions } from './options.js';

export default defineInput<DockerOptions>({
  name: 'docker',
  description: "Every container's state, resources and troubles, from the Docker engine",
  schema,
  sample: readSample(import.meta.url),
  check: checkOptions,
  create(ctx) {
    const input = createDockerInput(ctx.options, ctx.log);
    return { gather: (acc) => input.gather(acc) };
  },
});
