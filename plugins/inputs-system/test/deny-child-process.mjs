// Preloaded (node --import) by src/no-spawn.test.ts: every way Node has to start a child
// process records the attempt in globalThis.spawnAttempts and throws.
import childProcess from 'node:child_process';
import { syncBuiltinESMExports } from 'node:module';

globalThis.spawnAttempts = [];
const deny = (name) =>
  function denied(...args) {
    globalThis.spawnAttempts.push(`${name} ${String(args[0])}`);
    throw new Error(`child processes are denied here (${name})`);
  };

for (const name of ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork']) childProcess[name] = deny(name);
// spawn, exec, execFile and fork all end in ChildProcess#spawn; the *Sync family in the spawn_sync binding.
childProcess.ChildProcess.prototype.spawn = deny('ChildProcess#spawn');
const spawnSyncBinding = process.binding('spawn_sync');
spawnSyncBinding.spawn = deny('spawn_sync binding');
syncBuiltinESMExports();
