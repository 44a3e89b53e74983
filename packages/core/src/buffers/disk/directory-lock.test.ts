import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { numbered, numbersOf, openTestBuffer, removeTempDirs, tempDir, addStored, drain } from './test-support.js';

afterAll(removeTempDirs);

describe('a disk buffer directory', () => {
  it('is refused while another running process holds it, naming that process', async () => {
    const dir = await tempDir();
    const other = spawn('sleep', ['30']);
    try {
      writeFileSync(join(dir, 'lock'), `${other.pid}\n`);
      await expect(openTestBuffer(dir)).rejects.toThrow(`disk buffer directory ${dir} cannot be used: it is in use by another vigil (process ${other.pid}; ${join(dir, 'lock')})`);
    } finally {
      other.kill('SIGKILL');
    }
  });

  it('is taken over from a process that died without closing it, with what it held', async () => {
    const dir = await tempDir();
    const first = await openTestBuffer(dir);
    await addStored(first.buffer, [numbered(1), numbered(2)]);
    await first.buffer.simulateCrash();
    const dead = spawn('true');
    await new Promise((resolve) => dead.on('exit', resolve));
    writeFileSync(join(dir, 'lock'), `${dead.pid}\n`);
    const second = await openTestBuffer(dir);
    expect(numbersOf(await drain(second.buffer))).toEqual([1, 2]);
    await second.buffer.close();
    expect(existsSync(join(dir, 'lock'))).toBe(false);
  });
});
