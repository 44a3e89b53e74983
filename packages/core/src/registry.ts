import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isPluginDefinition, type PluginDefinition, type PluginKind } from './sdk/plugin.js';

export interface RegisteredPlugin {
  definition: PluginDefinition;
  /** The npm package that provides it. */
  packageName: string;
}

/** Plugins by "kind.name": the built-ins, then those of third-party packages. */
export class Registry {
  private readonly plugins = new Map<string, RegisteredPlugin>();
  private readonly loadedPackages = new Set<string>();

  add(definition: PluginDefinition, packageName: string): void {
    this.plugins.set(`${definition.kind}.${definition.name}`, { definition, packageName });
  }

  get(kind: PluginKind, name: string): RegisteredPlugin | undefined {
    return this.plugins.get(`${kind}.${name}`);
  }

  list(): RegisteredPlugin[] {
    return [...this.plugins.values()].sort((a, b) =>
      `${a.definition.kind}.${a.definition.name}`.localeCompare(`${b.definition.kind}.${b.definition.name}`),
    );
  }

  names(kind: PluginKind): string[] {
    return this.list().filter((p) => p.definition.kind === kind).map((p) => p.definition.name);
  }

  /**
   * Imports a third-party package, resolved from each of `searchDirs` in turn (the config
   * file's folder, then the working directory), and registers every plugin it exports.
   * Throws an Error with a user-facing message when it can't.
   */
  async loadPackage(packageName: string, searchDirs: string[]): Promise<void> {
    if (this.loadedPackages.has(packageName)) return;
    let resolved: string | undefined;
    for (const dir of searchDirs) {
      try {
        resolved = createRequire(join(dir, 'vigil-config.js')).resolve(packageName);
        break;
      } catch {
        // not installed under this folder; try the next
      }
    }
    if (!resolved) throw new Error(`package "${packageName}" is not installed (looked from ${searchDirs.join(', ')})`);
    const exported: unknown[] = Object.values(await import(pathToFileURL(resolved).href));
    const definitions = [...new Set(exported.flatMap((v) => (Array.isArray(v) ? v : [v])).filter(isPluginDefinition))];
    if (definitions.length === 0) throw new Error(`package "${packageName}" exports no vigil plugin definitions`);
    for (const def of definitions) this.add(def, packageName);
    this.loadedPackages.add(packageName);
  }
}
