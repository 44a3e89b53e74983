import docker from './index.js';
import { schema } from './options.js';

const sample = docker.sample;

// Shown with example paths; their default is empty.
const SHOWN_BY_EXAMPLE = new Set(['tls_ca', 'tls_cert', 'tls_key']);

describe('the sample configuration', () => {
  it('shows every option commented out, at its default', () => {
    for (const [option, property] of Object.entries(schema.properties)) {
      const line = sample.split('\n').find((l) => l.startsWith(`  # ${option} = `));
      expect(line).toBeDefined();
      if (SHOWN_BY_EXAMPLE.has(option)) continue;
      const tomlDefault = JSON.stringify(property.default).replace(/","/g, '", "');
      expect(line).toBe(`  # ${option} = ${tomlDefault}`);
    }
  });
});
