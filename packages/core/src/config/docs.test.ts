import { readFileSync } from 'node:fs';
import { AGENT_SCHEMA, API_SCHEMA, COMMON_PROPERTIES } from './schemas.js';

const doc = readFileSync(new URL('../../../../docs/configuration.md', import.meta.url), 'utf8');

describe('docs/configuration.md', () => {
  it.each(Object.keys(AGENT_SCHEMA.properties))('documents [agent] %s', (option) => {
    expect(doc).toContain(`| \`${option}\` |`);
  });

  it.each(Object.keys(API_SCHEMA.properties))('documents [api] %s', (option) => {
    const section = doc.slice(doc.indexOf('## `[api]`'));
    expect(section).toContain(`| \`${option}\` |`);
  });

  it.each([...new Set(Object.values(COMMON_PROPERTIES).flatMap((p) => Object.keys(p)))])('documents the common option %s', (option) => {
    expect(doc).toContain(`\`${option}\``);
  });
});
