#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { VERSION } from '@vigil/core';
import { ConfigError, ConfigErrors } from '@vigil/core/runtime';
import { builtinRegistry } from './builtins.js';
import { buffer } from './commands/buffer.js';
import { checkConnection } from './commands/check-connection.js';
import { config } from './commands/config.js';
import { heartbeat } from './commands/heartbeat.js';
import { migrate } from './commands/migrate.js';
import { ingest } from './commands/ingest.js';
import { plugins } from './commands/plugins.js';
import { run } from './commands/run.js';
import { test } from './commands/test.js';
import { top } from './commands/top.js';
import { validate } from './commands/validate.js';
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
  if (flags.version) return (process.stdout.write(`vigil ${VERSION}\n`), 0);
  const command = positionals[0] ?? 'run';
  if (!(command in COMMAND_FLAGS)) throw new UsageError(`unknown command "${command}"`);
  const maxPositionals = command === 'buffer' || command === 'migrate' ? 2 : command === 'plugins' ? 3 : 1;
  if (positionals.length > maxPositionals) throw new UsageError(`unexpected argument "${positionals[maxPositionals]}"`);
  const stray = Object.keys(flags).filter((f) => !COMMAND_FLAGS[command].includes(f));
  if (stray.length > 0) throw new UsageError(`"${command}" does not take --${stray[0]}`);

  const registry = builtinRegistry();
  switch (command) {
    case 'run':
      return run(flags, registry);
    case 'test':
      return test(flags, registry);
    case 'validate':
      return validate(flags, registry);
    case 'heartbeat':
      return heartbeat(flags, registry);
    case 'migrate':
      return migrate(positionals[1], registry);
    case 'ingest':
      return ingest(flags, registry);
    case 'buffer':
      return buffer(positionals[1], flags, registry);
    case 'check-connection':
      return checkConnection(flags, registry);
    case 'top':
      return top(flags, registry);
    case 'config':
      return config(flags, registry);
    case 'plugins':
      return plugins(positionals[1], positionals[2], flags, registry);
    case 'version':
      return (process.stdout.write(`vigil ${VERSION}\n`), 0);
    default:
      return (process.stdout.write(USAGE), 0);
  }
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
  (err: unknown) => {
    if (err instanceof UsageError) {
      process.stderr.write(`vigil: ${err.message}\nRun "vigil --help" for usage.\n`);
      return exitWhenFlushed(2);
    }
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
