import { spawn } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A plugin directory is a small npm project vigil owns: package.json lists the installed
 * plugin packages, node_modules holds them. Its node_modules/@vigil/core is a link to the
 * running agent's own SDK, so a plugin and the agent share one SDK instance.
 */

/** The folder of this agent's @vigil/core: the CLI's `sdk/core` in the packaged tarball, else the workspace package. */
export function agentSdkDirectory(): string {
  const packaged = fileURLToPath(new URL('../sdk/core', import.meta.url));
  if (existsSync(join(packaged, 'package.json'))) return packaged;
  return dirname(dirname(fileURLToPath(import.meta.resolve('@vigil/core'))));
}

export function installedPackages(dir: string): Record<string, string> {
  try {
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    return manifest.dependencies ?? {};
  } catch {
    return {};
  }
}

export function installedVersion(dir: string, packageName: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(join(dir, 'node_modules', packageName, 'package.json'), 'utf8')) as { version?: string }).version;
  } catch {
    return undefined;
  }
}

function createDirectory(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const manifest = join(dir, 'package.json');
  if (!existsSync(manifest)) {
    writeFileSync(manifest, JSON.stringify({ name: 'vigil-plugins', private: true, description: 'Plugin packages installed by `vigil plugins install`', dependencies: {} }, null, 2) + '\n');
  }
}

/** Points node_modules/@vigil/core at this agent's SDK (npm removes the link on every install). */
export function linkSdk(dir: string): void {
  const link = join(dir, 'node_modules', '@vigil', 'core');
  const target = agentSdkDirectory();
  try {
    if (lstatSync(link).isSymbolicLink() && readlinkSync(link) === target) return;
    rmSync(link, { recursive: true, force: true });
  } catch {
    // no link yet
  }
  mkdirSync(dirname(link), { recursive: true });
  symlinkSync(target, link, 'dir');
}

/** Runs npm in the plugin directory; its output is shown only when it fails. */
function npm(dir: string, args: string[]): Promise<void> {
  // Peers are not installed: the one peer a plugin needs, @vigil/core, is the agent's (linkSdk).
  const child = spawn('npm', [...args, '--prefix', dir, '--legacy-peer-deps', '--no-audit', '--no-fund', '--omit=dev'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  return new Promise((done, fail) => {
    child.on('error', (err) => fail(new Error(`cannot run npm, which installs plugins: ${err.message}`)));
    child.on('close', (code) => {
      if (code === 0) return done();
      const tail = output.trim().split('\n').slice(-8).join('\n');
      fail(new Error(`npm ${args[0]} failed (exit ${code}):\n${tail}`));
    });
  });
}

/** A tarball or folder is handed to npm as an absolute path, since npm runs with --prefix. */
function npmSpec(spec: string): string {
  const isPath = spec.startsWith('.') || spec.startsWith('/') || spec.endsWith('.tgz') || spec.endsWith('.tar.gz');
  return isPath ? resolve(spec) : spec;
}

/** Installs one package spec and returns the name npm saved it under. */
export async function npmInstall(dir: string, spec: string): Promise<string> {
  createDirectory(dir);
  const before = installedPackages(dir);
  const target = npmSpec(spec);
  // --install-links copies a folder instead of linking it, so the plugin directory stands alone.
  await npm(dir, ['install', '--save', '--install-links', target]);
  linkSdk(dir);
  const after = installedPackages(dir);
  const changed = Object.keys(after).filter((name) => after[name] !== before[name]);
  if (changed.length === 1) return changed[0];
  // Reinstalling what is already there changes nothing in package.json: find it by its spec.
  const byPath = Object.keys(after).find((name) => after[name].startsWith('file:') && resolve(dir, after[name].slice(5)) === target);
  const byName = Object.keys(after).find((name) => target === name || target.startsWith(`${name}@`));
  const name = byPath ?? byName;
  if (!name) throw new Error(`npm installed "${spec}" but vigil cannot tell which package it is`);
  return name;
}

export async function npmUninstall(dir: string, packageName: string): Promise<void> {
  await npm(dir, ['uninstall', '--save', packageName]);
  linkSdk(dir);
}
