import { appendFileSync, writeFileSync } from 'node:fs';
import { messages, perTest, waitFor } from './test-support.js';

const { tmp, start } = perTest();

describe('binary data', () => {
  /** 4 KiB of every byte value but the line break, NUL first: one binary "line" once a \n follows. */
  const blob = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i % 256 === 10 ? 0 : i % 256)));

  test('appended to a file being read: left out up to the next line of text, said once; the text around it arrives', async () => {
    const file = tmp.path('app.log');
    writeFileSync(file, '');
    const r = await start({ files: [file] });
    appendFileSync(file, 'before\n');
    await waitFor(() => r.records.length === 1, 'the first line');
    appendFileSync(file, Buffer.concat([blob, Buffer.from('\n'), blob, Buffer.from('\nafter\n')]));
    appendFileSync(file, Buffer.concat([blob, Buffer.from('\nlast\n')]));
    await waitFor(() => r.records.length === 3, 'the text after the binary data');
    expect(messages(r.records)).toEqual(['before', 'after', 'last']);
    expect(r.logged()).toEqual([`${file}: binary data (NUL bytes) left out, up to the next line of text`]);
  });

  test('at the start of a file: the same rule, the text after it is read', async () => {
    const file = tmp.path('app.log');
    writeFileSync(file, Buffer.concat([blob, Buffer.from('\ntext line\n')]));
    const r = await start({ files: [file], initial_read_offset: 'beginning' });
    await waitFor(() => r.records.length === 1, 'the text line');
    expect(messages(r.records)).toEqual(['text line']);
    expect(r.logged()).toEqual([`${file}: binary data (NUL bytes) left out, up to the next line of text`]);
  });
});
