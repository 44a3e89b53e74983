#!/usr/bin/env node
import { parseArgs } from 'node:util';
import type { Registry } from '@vigil/core/runtime';
import { USAGE, UsageError } from './usage.js';
import { usageErrorOf } from './argument-errors.js';

const FLAGS = {
  config: { type: 'string', multiple: true },
  'config-directory': { type: 'string' },
  once: { type: 'boolean' },
  debug: { type: 'boolean' },
  'test-wait': { type: 'string' },
  inputs: { type: 'string' },
  processors: { type: 'string' },
  outputs: { type: 'string' },
  print: { type: 'boolean' },
  url: { type: 'string' },
  token: { type: 'string' },
  'plugin-directory': { type: 'string' },
  version: { type: 'boolean', short: 'V' },
  help: { type: 'boolean', short: 'h' },
} as const;

const SOURCE_FLAGS = ['config', 'config-directory', 'debug'];
/** Which flags each command takes; any other is a usage error. */
const COMMAND_FLAGS: Record<string, string[]> = {
  run: [...SOURCE_FLAGS, 'once'],
  test: [...SOURCE_FLAGS, 'test-wait'],
  validate: SOURCE_FLAGS,
  heartbeat: [...SOURCE_FLAGS, 'print'],
  ingest: [...SOURCE_FLAGS, 'print'],
  buffer: SOURCE_FLAGS,
  'check-connection': SOURCE_FLAGS,
  migrate: [],
  top: [...SOURCE_FLAGS, 'url', 'token'],
  config: ['inputs', 'processors', 'outputs', 'config', 'config-directory'],
  plugins: ['config', 'config-directory', 'plugin-directory'],
  version: [],
  help: [],
};

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    // `-v` is --version too, as in Telegraf; parseArgs allows one short name per flag.
    const args = argv.map((a) => (a === '-v' ? '--version' : a));
    parsed = parseArgs({ args, options: FLAGS, allowPositionals: true, strict: true });
  } catch (err) {
    throw usageErrorOf(err);
  }
  const { values: flags, positionals } = parsed;
  if (flags.help) return (process.stdout.write(USAGE), 0);
  if (flags.version) return printVersion();
  const command = positionals[0] ?? 'run';
  if (!(command in COMMAND_FLAGS)) throw new UsageError(`unknown command "${command}"`);
  const maxPositionals = command === 'buffer' || command === 'migrate' ? 2 : command === 'plugins' ? 3 : 1;
  if (positionals.length > maxPositionals) throw new UsageError(`unexpected argument "${positionals[maxPositionals]}"`);
  const stray = Object.keys(flags).filter((f) => !COMMAND_FLAGS[command].includes(f));
  if (stray.length > 0) throw new UsageError(`"${command}" does not take --${stray[0]}`);

  if (command === 'help') return (process.stdout.write(USAGE), 0);
  if (command === 'version') return printVersion();
  const { builtinRegistry } = await import('./builtins.js');
  return COMMANDS[command](flags, positionals, builtinRegistry());
}

type Flags = Record<string, string | string[] | boolean | undefined>;
type Command = (flags: Flags, positionals: string[], registry: Registry) => Promise<number>;

// Each command is imported when it runs: `vigil --version` loads no plugin, config or pipeline code.
const COMMANDS: Record<string, Command> = {
  run: async (f, _p, r) => (await import('./commands/run.js')).run(f, r),
  test: async (f, _p, r) => (await import('./commands/test.js')).test(f, r),
  validate: async (f, _p, r) => (await import('./commands/validate.js')).validate(f, r),
  heartbeat: async (f, _p, r) => (await import('./commands/heartbeat.js')).heartbeat(f, r),
  migrate: async (_f, p, r) => (await import('./commands/migrate.js')).migrate(p[1], r),
  ingest: async (f, _p, r) => (await import('./commands/ingest.js')).ingest(f, r),
  buffer: async (f, p, r) => (await import('./commands/buffer.js')).buffer(p[1], f, r),
  'check-connection': async (f, _p, r) => (await import('./commands/check-connection.js')).checkConnection(f, r),
  top: async (f, _p, r) => (await import('./commands/top.js')).top(f, r),
  config: async (f, _p, r) => (await import('./commands/config.js')).config(f, r),
  plugins: async (f, p, r) => (await import('./commands/plugins.js')).plugins(p[1], p[2], f, r),
};

async function printVersion(): Promise<number> {
  const { VERSION } = await import('@vigil/core');
  process.stdout.write(`vigil ${VERSION}\n`);
  return 0;
}

/**
 * Plugins may hold sockets or timers open: once a command is done, vigil exits, but only
 * after stdout and stderr have been handed everything (pipes are written asynchronously).
 */
function exitWhenFlushed(code: number): void {
  const flushed = (stream: NodeJS.WriteStream, then: () => void) => (stream.writable ? stream.write('', () => then()) : then());
  flushed(process.stdout, () => flushed(process.stderr, () => process.exit(code)));
}

// A reader of stdout that goes away (`vigil | head -1`) must not crash the agent: what is
// written there is lost (outputs.file counts and logs it); everything else carries on.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
  });
}

main(process.argv.slice(2)).then(
  (code) => exitWhenFlushed(code),
  async (err: unknown) => {
    if (err instanceof UsageError) {
      process.stderr.write(`vigil: ${err.message}\nRun "vigil --help" for usage.\n`);
      return exitWhenFlushed(2);
    }
    const { ConfigError, ConfigErrors } = await import('@vigil/core/runtime');
    if (err instanceof ConfigErrors) {
      for (const e of err.errors) process.stderr.write(`${e.message}\n`);
    } else if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
    } else {
      process.stderr.write(`vigil: ${(err as Error)?.message ?? String(err)}\n`);
      if (process.argv.includes('--debug')) process.stderr.write(`${(err as Error)?.stack}\n`);
    }
    exitWhenFlushed(1);
  },
);
