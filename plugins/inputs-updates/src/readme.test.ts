import { readFileSync } from 'node:fs';
import updates from './index.js';

const { schema } = updates;

describe('inputs.updates README', () => {
  it("has every option in its table, with the schema's default", () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    for (const [option, property] of Object.entries(schema.properties)) {
      const row = readme.split('\n').find((l) => l.startsWith(`| \`${option}\` |`));
      expect(row).toBeDefined();
      if ('default' in property) expect(row).toContain(`| \`${JSON.stringify(property.default)}\` |`);
    }
  });
});
