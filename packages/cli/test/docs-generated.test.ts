import { afterEach, describe, expect, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO } from './cli-process.js';

// `npm run docs` (scripts/docs.mjs) writes each plugin README's option tables and fills each
// sample's missing options from the plugin's schema; these tests run it as a user would.
const SCRIPT = join(REPO, 'scripts', 'docs.mjs');

function runDocs(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [SCRIPT, ...args], { cwd: REPO }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('the committed plugin docs', () => {
  test('every README option table and sample is what npm run docs writes from the built schemas', async () => {
    const result = await runDocs(['--check']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  }, 60_000);
});

describe('npm run docs on a plugin folder', () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const definition = `export default {
  kind: 'outputs',
  name: 'example',
  description: 'Sends batches somewhere',
  create() { return {}; },
  schema: {
    type: 'object',
    required: ['url'],
    properties: {
      url: { type: 'string', description: 'Where batches go.' },
      timeout: { duration: true, default: '5s', description: 'How long one write may take.' },
      token: { type: 'string', default: 'default-token-value', secret: true, description: 'Sent as a bearer token.' },
      copy_tags: { type: 'array', items: { type: 'string' }, description: 'Tags sent as headers.' },
      address: { type: 'string', deprecated: true, description: "Telegraf's name for url." },
      routes: {
        type: 'array',
        default: [],
        description: 'Routes, tried in order.',
        items: {
          type: 'object',
          required: ['match'],
          properties: {
            match: { type: 'string', description: 'A glob of measurement names.' },
            weight: { type: 'integer', default: 1, description: 'Share of the batches.' },
          },
        },
      },
    },
  },
};
`;

  const sample = `# Send batches somewhere
[[outputs.example]]
  ## Where batches go.
  url = "http://127.0.0.1:9/"

  ## Routes, tried in order.
  # [[outputs.example.routes]]
  #   match = "cpu*"
`;

  const readme = `# outputs.example

## Configuration

\`\`\`toml
# Send batches somewhere
[[outputs.example]]
  url = "an old copy of the sample"
\`\`\`

## Options

<!-- options:start outputs.example -->

| option | type | default | description |
| --- | --- | --- | --- |
| \`url\` | string | required | A description nobody updated. |

<!-- options:end outputs.example -->

Hand-written prose after the table stays.
`;

  function makePlugin(folder: string, files: { definition?: string; sample?: string; readme?: string } = {}): string {
    const root = join(dir, 'plugins', folder);
    mkdirSync(join(root, 'dist'), { recursive: true });
    writeFileSync(join(root, 'package.json'), JSON.stringify({ name: `@example/${folder}`, type: 'module' }));
    writeFileSync(join(root, 'dist', 'index.js'), files.definition ?? definition);
    writeFileSync(join(root, 'sample.toml'), files.sample ?? sample);
    writeFileSync(join(root, 'README.md'), files.readme ?? readme);
    return root;
  }

  test('a stale README is named with the fix, then rewritten from the schema; the sample gains its missing options', async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-docs-'));
    const plugin = makePlugin('outputs-example');

    const check = await runDocs(['--check', '--dir', join(dir, 'plugins')]);
    expect(check.code).toBe(1);
    expect(check.stderr).toContain("plugins/outputs-example/README.md is out of date with its plugin's schema: run npm run docs");
    expect(check.stderr).toContain("plugins/outputs-example/sample.toml is out of date with its plugin's schema: run npm run docs");
    expect(readFileSync(join(plugin, 'README.md'), 'utf8')).toBe(readme);

    const write = await runDocs(['--dir', join(dir, 'plugins')]);
    expect(write.stderr).toBe('');
    expect(write.code).toBe(0);

    const expectedSample = `${sample}
  ## How long one write may take.
  # timeout = "5s"

  ## Sent as a bearer token.
  # token = ""

  ## Tags sent as headers.
  # copy_tags = []
`;
    expect(readFileSync(join(plugin, 'sample.toml'), 'utf8')).toBe(expectedSample);
    expect(readFileSync(join(plugin, 'README.md'), 'utf8')).toBe(`# outputs.example

## Configuration

\`\`\`toml
${expectedSample.trimEnd()}
\`\`\`

## Options

<!-- options:start outputs.example -->

| option | type | default | description |
| --- | --- | --- | --- |
| \`url\` | string | required | Where batches go. |
| \`timeout\` | duration | \`"5s"\` | How long one write may take. |
| \`token\` | string | (secret) | Sent as a bearer token. |
| \`copy_tags\` | array of strings | not set | Tags sent as headers. |
| \`address\` | string | not set | Deprecated. Telegraf's name for url. |
| \`routes\` | array of tables | \`[]\` | Routes, tried in order. |

Each \`[[outputs.example.routes]]\` table:

| option | type | default | description |
| --- | --- | --- | --- |
| \`match\` | string | required | A glob of measurement names. |
| \`weight\` | integer | \`1\` | Share of the batches. |

<!-- options:end outputs.example -->

Hand-written prose after the table stays.
`);

    // A secret's default is never shown.
    expect(readFileSync(join(plugin, 'README.md'), 'utf8')).not.toContain('default-token-value');
    expect(readFileSync(join(plugin, 'sample.toml'), 'utf8')).not.toContain('default-token-value');

    const again = await runDocs(['--check', '--dir', join(dir, 'plugins')]);
    expect(again.stderr).toBe('');
    expect(again.code).toBe(0);
  }, 60_000);

  test('a sample key the schema does not know, and an option without a description, are reported where they are', async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-docs-'));
    makePlugin('outputs-example', {
      definition: definition.replace("description: 'Share of the batches.' ", ''),
      sample: sample.replace('  url = "http://127.0.0.1:9/"\n', '  url = "http://127.0.0.1:9/"\n  # retries = 3\n'),
    });

    const result = await runDocs(['--check', '--dir', join(dir, 'plugins')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('plugins/outputs-example/sample.toml:5: option "retries" is not in the schema of outputs.example');
    expect(result.stderr).toContain('plugins/outputs-example: outputs.example.routes: option "weight" has no description');
  }, 60_000);

  test('a README without option markers is named', async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-docs-'));
    makePlugin('outputs-example', { readme: '# outputs.example\n\nNo table yet.\n' });

    const result = await runDocs(['--check', '--dir', join(dir, 'plugins')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('plugins/outputs-example/README.md: no <!-- options:start outputs.example --> … <!-- options:end outputs.example --> markers');
  }, 60_000);
});
