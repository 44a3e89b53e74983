import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FileGlob } from './file-glob.js';
import { makeTempDir } from './test-support.js';

describe('file globs', () => {
  const tmp = makeTempDir();
  const { dir } = tmp;
  beforeAll(() => {
    for (const sub of ['app', 'app/old', 'nginx', 'deep/a/b']) mkdirSync(join(dir, sub), { recursive: true });
    for (const file of ['app/a.log', 'app/b.log', 'app/b.log.1', 'app/old/c.log', 'nginx/access.log', 'nginx/error.log', 'deep/a/b/d.log', 'top.log']) writeFileSync(join(dir, file), '');
    symlinkSync(join(dir, 'deep'), join(dir, 'deep/a/loop'));
  });
  afterAll(() => tmp.remove());

  const expand = async (pattern: string) => (await new FileGlob(join(dir, pattern)).expand(() => {})).map((p) => p.slice(dir.length + 1)).sort();

  test('* stays within a directory', async () => {
    expect(await expand('app/*.log')).toEqual(['app/a.log', 'app/b.log']);
    expect(await expand('*/*.log')).toEqual(['app/a.log', 'app/b.log', 'nginx/access.log', 'nginx/error.log']);
  });

  test('** crosses directories (symlinked directories are not entered)', async () => {
    expect(await expand('**.log')).toEqual(['app/a.log', 'app/b.log', 'app/old/c.log', 'deep/a/b/d.log', 'nginx/access.log', 'nginx/error.log', 'top.log']);
    expect(await expand('deep/**/*.log')).toEqual(['deep/a/b/d.log']);
  });

  test('?, classes and alternatives', async () => {
    expect(await expand('app/?.log')).toEqual(['app/a.log', 'app/b.log']);
    expect(await expand('app/[!a].log*')).toEqual(['app/b.log', 'app/b.log.1']);
    expect(await expand('nginx/{access,error}.log')).toEqual(['nginx/access.log', 'nginx/error.log']);
  });

  test('a plain path names the file if it exists', async () => {
    expect(await expand('top.log')).toEqual(['top.log']);
    expect(await expand('missing.log')).toEqual([]);
    expect(await expand('missing/*.log')).toEqual([]);
  });

  test('matches tells whether a path is one the pattern names', () => {
    const glob = new FileGlob('/var/log/**/*.log');
    expect(glob.base).toBe('/var/log');
    expect(glob.matches('/var/log/a/b/x.log')).toBe(true);
    expect(glob.matches('/var/log/x.log.1')).toBe(false);
    expect(new FileGlob('/var/log/*.log').matches('/var/log/a/x.log')).toBe(false);
  });
});
