import { VERSION } from '@vigil/core';
import { defaultPluginDirectory, type Registry } from '@vigil/core/runtime';
import { builtinRegistry } from '../builtins.js';
import { loadFromFlags, type SourceFlags } from '../load.js';
import { installedPackages, installedVersion, npmInstall, npmUninstall } from '../plugin-directory.js';
import { formatTable } from '../table.js';
import { UsageError } from '../usage.js';

export interface PluginsFlags extends SourceFlags {
  'plugin-directory'?: string;
}

/**
 * --plugin-directory, else `[agent] plugin_directory` of --config, else the default for this
 * user. Loading --config also registers the third-party packages its `[agent] plugins` names.
 */
async function pluginDirectory(flags: PluginsFlags, registry: Registry): Promise<string> {
  const config = flags.config || flags['config-directory'] ? await loadFromFlags(flags, registry) : undefined;
  return flags['plugin-directory'] || config?.agent.plugin_directory || defaultPluginDirectory();
}

/** Lists every built-in plugin, then those of the packages installed in the plugin directory and named by --config. */
async function list(flags: PluginsFlags, registry: Registry): Promise<number> {
  const dir = await pluginDirectory(flags, registry);
  let failed = false;
  for (const packageName of Object.keys(installedPackages(dir))) {
    try {
      await registry.loadPackage(packageName, [dir]);
    } catch (err) {
      process.stderr.write(`vigil: ${dir}: ${(err as Error).message}\n`);
      failed = true;
    }
  }
  await registry.loadAllBuiltins();
  const rows = registry.list().map((p) => [
    `${p.kind}.${p.name}`,
    p.packageName,
    p.builtin ? VERSION : (registry.packageVersion(p.packageName) ?? installedVersion(dir, p.packageName) ?? '?'),
    p.builtin ? 'built-in' : 'third-party',
    p.description ?? '',
  ]);
  process.stdout.write(formatTable(['plugin', 'package', 'version', 'source', 'description'], rows));
  return failed ? 1 : 0;
}

async function install(spec: string | undefined, flags: PluginsFlags, registry: Registry): Promise<number> {
  if (!spec) throw new UsageError('plugins install needs a package: an npm name, a tarball or a folder');
  const dir = await pluginDirectory(flags, registry);
  const packageName = await npmInstall(dir, spec);
  // A package that does not load here would fail every config naming it: take it out again.
  const check = builtinRegistry();
  try {
    await check.loadPackage(packageName, [dir]);
  } catch (err) {
    await npmUninstall(dir, packageName);
    throw new Error(`${(err as Error).message}; not installed`);
  }
  const provided = check.list().filter((p) => p.packageName === packageName).map((p) => `${p.kind}.${p.name}`);
  process.stdout.write(`installed ${packageName} ${check.packageVersion(packageName) ?? ''} into ${dir}: ${provided.join(', ')}\n`);
  process.stdout.write(`add it to a config with: [agent] plugins = ["${packageName}"]\n`);
  return 0;
}

async function remove(packageName: string | undefined, flags: PluginsFlags, registry: Registry): Promise<number> {
  if (!packageName) throw new UsageError('plugins remove needs the name of an installed package');
  const dir = await pluginDirectory(flags, registry);
  if (!(packageName in installedPackages(dir))) {
    const installed = Object.keys(installedPackages(dir));
    throw new Error(`package "${packageName}" is not installed in ${dir} (installed: ${installed.join(', ') || 'none'})`);
  }
  await npmUninstall(dir, packageName);
  process.stdout.write(`removed ${packageName} from ${dir}\n`);
  return 0;
}

/** `vigil plugins [install SPEC | remove NAME]`. */
export function plugins(action: string | undefined, argument: string | undefined, flags: PluginsFlags, registry: Registry): Promise<number> {
  if (action === undefined) return list(flags, registry);
  if (action === 'install') return install(argument, flags, registry);
  if (action === 'remove') return remove(argument, flags, registry);
  throw new UsageError(`unknown plugins action "${action}"; expected "install" or "remove"`);
}
