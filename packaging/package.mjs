#!/usr/bin/env node
// Builds the one installable package of vigil: the CLI, the agent and every built-in plugin
// bundled by esbuild (each plugin its own chunk, imported only when a config names it), plus
// the few native packages a bundle cannot hold. Prints the tarball's path as its last line.
//
//   node packaging/package.mjs [--out DIR]      (npm run package builds first)
//
// A bundle rather than bundleDependencies: the runtime dependency tree is about 170 packages,
// 69 MiB and 8,000 files on disk, where the bundle is about 1.2 MiB packed, 4 MiB installed and
// 120 files, installs offline in a second, and idles at the same RSS.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const PACKAGE_NAME = 'vigil-agent';
const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outIndex = process.argv.indexOf('--out');
const OUT = resolve(outIndex > 0 ? process.argv[outIndex + 1] : join(REPO, 'packaging', 'out'));
const STAGE = join(OUT, 'stage');

const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));
const core = readJson(join(REPO, 'packages/core/package.json'));

// Native addons: installed as real packages next to the bundle (bundleDependencies), with
// the platform binaries present on the packing machine.
const NATIVE = ['@node-rs/crc32'];

// A workspace module finds its package's files (sample.toml, samples/, package.json) from its
// own import.meta.url. In the bundle each such module gets the URL it would have in a copy of
// its package under files/, and that copy holds the package's manifest and its published
// files but its code.
const packagesUsed = new Set();
const moduleUrls = {
  name: 'module-urls',
  setup(b) {
    b.onLoad({ filter: /[\\/](packages|plugins)[\\/][^\\/]+[\\/]dist[\\/].+\.js$/ }, (args) => {
      const path = relative(REPO, args.path).split(sep).join('/');
      packagesUsed.add(path.split('/').slice(0, 2).join('/'));
      const code = readFileSync(args.path, 'utf8');
      const url = `new URL(${JSON.stringify(`../files/${path}`)}, import.meta.url).href`;
      return { contents: code.replaceAll('import.meta.url', () => url), loader: 'js', resolveDir: dirname(args.path) };
    });
  },
};

rmSync(STAGE, { recursive: true, force: true });
mkdirSync(STAGE, { recursive: true });

const bundle = await build({
  metafile: true,
  entryPoints: { main: join(REPO, 'packages/cli/dist/main.js'), core: join(REPO, 'packages/core/dist/index.js') },
  outdir: join(STAGE, 'dist'),
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Minified: V8 holds every loaded module's source text, and a smaller one also installs faster.
  // Names are kept, for stack traces and for code that reads a function's or class's name.
  minify: true,
  keepNames: true,
  legalComments: 'none',
  logLevel: 'warning',
  // Optional native speed-ups (ssh2's, cpu-features) are tried in a try/catch by their packages.
  external: [...NATIVE, '*.node', 'cpu-features'],
  plugins: [moduleUrls],
  // CommonJS packages inside an ES module bundle still call require() for Node's built-ins, and
  // some name __dirname at load (for files of features vigil does not use, such as buildkit's).
  banner: {
    js: [
      "import { createRequire as __vigilCreateRequire } from 'node:module';",
      "import { fileURLToPath as __vigilFileURLToPath } from 'node:url';",
      'const require = __vigilCreateRequire(import.meta.url);',
      'const __filename = __vigilFileURLToPath(import.meta.url);',
      "const __dirname = __vigilFileURLToPath(new URL('.', import.meta.url));",
    ].join(' '),
  },
});

// What each chunk holds (for esbuild's bundle analyzer, or `jq`); not shipped.
writeFileSync(join(OUT, 'metafile.json'), JSON.stringify(bundle.metafile));

mkdirSync(join(STAGE, 'bin'));
writeFileSync(join(STAGE, 'bin/vigil.js'), '#!/usr/bin/env node\nimport "../dist/main.js";\n', { mode: 0o755 });

for (const dir of packagesUsed) {
  const manifest = readJson(join(REPO, dir, 'package.json'));
  const copy = join(STAGE, 'files', dir);
  mkdirSync(copy, { recursive: true });
  writeFileSync(join(copy, 'package.json'), JSON.stringify({ name: manifest.name, version: manifest.version, type: manifest.type }) + '\n');
  // As npm pack does, an entry of "files" that does not exist is passed over.
  for (const entry of (manifest.files ?? []).filter((f) => !['dist', 'bin', 'README.md'].includes(f) && existsSync(join(REPO, dir, f)))) {
    cpSync(join(REPO, dir, entry), join(copy, entry), { recursive: true });
  }
}

// The agent's SDK as a package, where the CLI looks for it (its sdk/core): the plugin directory
// links @vigil/core here, so a plugin's `import '@vigil/core'` reaches the agent's own instance.
const sdk = join(STAGE, 'files/packages/cli/sdk/core');
mkdirSync(sdk, { recursive: true });
writeFileSync(join(sdk, 'index.js'), `export * from '${relative(sdk, join(STAGE, 'dist/core.js'))}';\n`);
writeFileSync(join(sdk, 'package.json'), JSON.stringify({ name: '@vigil/core', version: core.version, type: 'module', exports: { '.': './index.js' } }, null, 2) + '\n');

// What install.sh needs: the unit and the embedded default config.
mkdirSync(join(STAGE, 'share'));
for (const file of ['vigil.service', 'install.sh']) cpSync(join(REPO, 'packaging', file), join(STAGE, 'share', file));
const { DEFAULT_CONFIG } = await import(pathToFileURL(join(REPO, 'packages/cli/dist/default-config.js')).href);
// The service's config: the embedded default, with state and buffers in systemd's StateDirectory.
const serviceConfig = DEFAULT_CONFIG.replace(
  '[agent]\n',
  '[agent]\n  ## The service keeps plugin state and disk buffers in its StateDirectory (vigil.service).\n  statefile = "/var/lib/vigil/statefile.json"\n  buffer_directory = "/var/lib/vigil/buffer"\n',
);
if (serviceConfig === DEFAULT_CONFIG) throw new Error('the embedded default config has no [agent] table to extend');
writeFileSync(join(STAGE, 'share/vigil.toml'), serviceConfig);
cpSync(join(REPO, 'README.md'), join(STAGE, 'README.md'));

const dependencies = {};
for (const name of NATIVE) {
  const manifest = readJson(join(REPO, 'node_modules', name, 'package.json'));
  dependencies[name] = manifest.version;
  cpSync(join(REPO, 'node_modules', name), join(STAGE, 'node_modules', name), { recursive: true, dereference: true });
  // Its platform packages: only this machine's is installed, so only it is shipped.
  for (const optional of Object.keys(manifest.optionalDependencies ?? {}).filter((p) => existsSync(join(REPO, 'node_modules', p)))) {
    cpSync(join(REPO, 'node_modules', optional), join(STAGE, 'node_modules', optional), { recursive: true, dereference: true });
  }
}

writeFileSync(
  join(STAGE, 'package.json'),
  JSON.stringify(
    {
      name: PACKAGE_NAME,
      version: core.version,
      description: 'vigil: a Telegraf-style collector agent (metrics and logs), with its built-in plugins',
      type: 'module',
      bin: { vigil: 'bin/vigil.js' },
      engines: { node: '>=20.19' },
      files: ['bin', 'dist', 'files', 'share', 'README.md'],
      dependencies,
      bundleDependencies: NATIVE,
      keywords: ['vigil', 'telegraf', 'metrics', 'logs', 'agent', 'collector'],
    },
    null,
    2,
  ) + '\n',
);

// The SDK as plugin authors install it (npm install --save-dev ./vigil-core-X.tgz), until it is
// on the registry: the same files `npm publish -w @vigil/core` would send.
execFileSync('npm', ['pack', '-w', '@vigil/core', '--pack-destination', OUT], { cwd: REPO, stdio: 'ignore' });

const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', OUT], { cwd: STAGE, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }))[0];
// The staging folder would otherwise be a second @vigil/core in the repository's jest haste map.
rmSync(STAGE, { recursive: true, force: true });
process.stdout.write(`${packed.entryCount} files, ${(packed.size / 1024).toFixed(0)} KiB packed, ${(packed.unpackedSize / 1024).toFixed(0)} KiB unpacked\n`);
process.stdout.write(`${join(OUT, packed.filename)}\n`);
