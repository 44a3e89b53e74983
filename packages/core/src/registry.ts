import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isPluginDefinition, type PluginDefinition, type PluginKind } from './sdk/plugin.js';
import { VERSION } from './version.js';

export interface RegisteredPlugin {
  definition: PluginDefinition;
  /** The npm package that provides it. */
  packageName: string;
}

/** What `vigil plugins` shows of a plugin, whether or not its package has been imported. */
export interface PluginListing {
  kind: PluginKind;
  name: string;
  packageName: string;
  builtin: boolean;
  /** Known once the package is imported. */
  description?: string;
}

/**
 * A package whose plugin names are known without importing it, so that a config naming
 * none of its plugins never loads its code or its libraries.
 */
export interface LazyPackage {
  packageName: string;
  /** "kind.name" of every plugin it exports. */
  plugins: string[];
  load: () => Promise<Record<string, unknown>>;
}

const PLUGIN_KINDS: PluginKind[] = ['inputs', 'processors', 'outputs'];

/**
 * Where `vigil plugins install` puts packages when `[agent] plugin_directory` is empty. Under
 * systemd's StateDirectory= (packaging/vigil.service) the unprivileged service finds there what
 * root installed in /var/lib/vigil/plugins.
 */
export function defaultPluginDirectory(env: NodeJS.ProcessEnv = process.env): string {
  if (env.STATE_DIRECTORY) return join(env.STATE_DIRECTORY.split(':')[0], 'plugins');
  return process.getuid?.() === 0 ? '/var/lib/vigil/plugins' : join(homedir(), '.local/share/vigil/plugins');
}

/** Every plugin definition among a module's exports (arrays of definitions too). */
export function pluginDefinitionsOf(exports: Record<string, unknown>): PluginDefinition[] {
  return [...new Set(Object.values(exports).flatMap((v) => (Array.isArray(v) ? v : [v])).filter(isPluginDefinition))];
}

/**
 * The one line refusing a package built for another SDK, or undefined when its
 * `peerDependencies["@vigil/core"]` accepts this vigil's (or it declares none).
 */
async function sdkMismatch(packageName: string, manifest: { version?: string; peerDependencies?: Record<string, string> }): Promise<string | undefined> {
  const range = manifest.peerDependencies?.['@vigil/core'];
  if (!range) return undefined;
  // Imported here: only a config with third-party plugins pays for semver.
  const { default: semver } = await import('semver');
  if (semver.satisfies(VERSION, range, { includePrerelease: true })) return undefined;
  const version = manifest.version ? ` ${manifest.version}` : '';
  return `package "${packageName}"${version} needs @vigil/core ${range}, but this vigil's SDK is ${VERSION}`;
}

/** The package.json above a resolved entry file of `packageName`. */
function manifestOf(entry: string, packageName: string): Record<string, unknown> | undefined {
  for (let dir = dirname(entry); dir !== dirname(dir); dir = dirname(dir)) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;
      if (manifest.name === packageName) return manifest;
    } catch {
      // no package.json at this level
    }
  }
  return undefined;
}

/** Plugins by "kind.name": the built-ins (imported when first used), then those of third-party packages. */
export class Registry {
  private readonly plugins = new Map<string, RegisteredPlugin>();
  private readonly lazy = new Map<string, LazyPackage>();
  private readonly builtinPackages = new Set<string>();
  private readonly loadedPackages = new Map<string, string | undefined>();

  /** Declares a built-in package; its code is imported only when one of its plugins is asked for. */
  declareBuiltin(pkg: LazyPackage): void {
    this.builtinPackages.add(pkg.packageName);
    for (const key of pkg.plugins) this.lazy.set(key, pkg);
  }

  /** Registers a definition; a package may not take a plugin name another package provides. */
  add(definition: PluginDefinition, packageName: string): void {
    this.refuseTaken(definition, packageName);
    this.plugins.set(`${definition.kind}.${definition.name}`, { definition, packageName });
  }

  private refuseTaken(definition: PluginDefinition, packageName: string): void {
    const key = `${definition.kind}.${definition.name}`;
    const owner = this.plugins.get(key)?.packageName ?? this.lazy.get(key)?.packageName;
    if (owner && owner !== packageName) {
      const which = this.builtinPackages.has(owner) ? 'built-in package' : 'package';
      throw new Error(`package "${packageName}" provides ${key}, which the ${which} "${owner}" already provides`);
    }
  }

  /** An imported plugin; see `load` for built-ins that may not be imported yet. */
  get(kind: PluginKind, name: string): RegisteredPlugin | undefined {
    return this.plugins.get(`${kind}.${name}`);
  }

  /** Imports the package behind a plugin if needed, then returns it. */
  async load(kind: PluginKind, name: string): Promise<RegisteredPlugin | undefined> {
    const key = `${kind}.${name}`;
    const pkg = this.lazy.get(key);
    if (!this.plugins.has(key) && pkg) await this.importBuiltin(pkg);
    return this.plugins.get(key);
  }

  /** Imports the built-ins of every plugin section in these parsed config documents. */
  async loadUsedBy(docs: Record<string, unknown>[]): Promise<void> {
    for (const doc of docs) {
      for (const kind of PLUGIN_KINDS) {
        const section = doc[kind];
        if (section && typeof section === 'object' && !Array.isArray(section)) {
          for (const name of Object.keys(section)) await this.load(kind, name);
        }
      }
    }
  }

  /** Imports every built-in package, for the commands that show them all. */
  async loadAllBuiltins(): Promise<void> {
    for (const pkg of new Set(this.lazy.values())) await this.importBuiltin(pkg);
  }

  /** Every known plugin, imported or not, sorted by "kind.name". */
  list(): PluginListing[] {
    const keys = [...new Set([...this.plugins.keys(), ...this.lazy.keys()])].sort((a, b) => a.localeCompare(b));
    return keys.map((key) => {
      const [kind, name] = key.split('.') as [PluginKind, string];
      const registered = this.plugins.get(key);
      const packageName = registered?.packageName ?? this.lazy.get(key)!.packageName;
      return { kind, name, packageName, builtin: this.builtinPackages.has(packageName), description: registered?.definition.description };
    });
  }

  names(kind: PluginKind): string[] {
    return this.list().filter((p) => p.kind === kind).map((p) => p.name);
  }

  /** Version of a loaded third-party package, when its package.json says. */
  packageVersion(packageName: string): string | undefined {
    return this.loadedPackages.get(packageName);
  }

  /**
   * Imports a third-party package, resolved from each of `searchDirs` in turn (the config
   * file's folder, the working directory, the plugin directory), and registers every plugin
   * it exports. Throws an Error with a user-facing message when it can't.
   */
  async loadPackage(packageName: string, searchDirs: string[]): Promise<void> {
    if (this.loadedPackages.has(packageName)) return;
    if (this.builtinPackages.has(packageName)) throw new Error(`package "${packageName}" is built in; remove it from [agent] plugins`);
    let resolved: string | undefined;
    for (const dir of searchDirs) {
      try {
        resolved = createRequire(join(dir, 'vigil-config.js')).resolve(packageName);
        break;
      } catch {
        // not installed under this folder; try the next
      }
    }
    if (!resolved) throw new Error(`package "${packageName}" is not installed (looked from ${searchDirs.join(', ')}); \`vigil plugins install ${packageName}\` installs it`);
    const manifest = manifestOf(resolved, packageName) ?? {};
    const mismatch = await sdkMismatch(packageName, manifest);
    if (mismatch) throw new Error(mismatch);
    const definitions = pluginDefinitionsOf(await import(pathToFileURL(resolved).href));
    if (definitions.length === 0) throw new Error(`package "${packageName}" exports no vigil plugin definitions`);
    for (const def of definitions) this.refuseTaken(def, packageName);
    for (const def of definitions) this.add(def, packageName);
    this.loadedPackages.set(packageName, typeof manifest.version === 'string' ? manifest.version : undefined);
  }

  private async importBuiltin(pkg: LazyPackage): Promise<void> {
    if (this.loadedPackages.has(pkg.packageName)) return;
    for (const def of pluginDefinitionsOf(await pkg.load())) this.add(def, pkg.packageName);
    this.loadedPackages.set(pkg.packageName, undefined);
  }
}
