import { open, type FileHandle } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { defineOutput, readSample } from '@vigil/core';
import { serializeBatch, type DataFormat } from './serialize.js';

interface FileOptions {
  files: string[];
  data_format: DataFormat;
}

interface Target {
  name: string;
  write(text: string): Promise<void>;
  close(): Promise<void>;
}

function streamTarget(name: string, stream: Writable): Target {
  return {
    name,
    write: (text) =>
      new Promise((resolve, reject) => {
        stream.write(text, (err) => (err ? reject(err) : resolve()));
      }),
    close: async () => {},
  };
}

async function fileTarget(path: string): Promise<Target> {
  const handle: FileHandle = await open(path, 'a');
  return {
    name: path,
    write: async (text) => {
      await handle.write(text);
    },
    close: () => handle.close(),
  };
}

export default defineOutput<FileOptions>({
  name: 'file',
  description: 'Writes metrics and logs to files or stdout as line protocol or JSON lines',
  accepts: ['metric', 'log'],
  sample: readSample(import.meta.url),
  schema: {
    type: 'object',
    properties: {
      files: {
        type: 'array',
        items: { type: 'string', minLength: 1 },
        minItems: 1,
        default: ['stdout'],
        description: 'Where to write: "stdout", "stderr" or file paths (appended to).',
      },
      data_format: { enum: ['influx', 'json'], default: 'influx', description: '"influx" line protocol or "json" lines.' },
    },
  },
  create(ctx) {
    let targets: Target[] = [];
    return {
      async connect() {
        targets = await Promise.all(
          ctx.options.files.map((f) =>
            f === 'stdout' ? streamTarget(f, process.stdout) : f === 'stderr' ? streamTarget(f, process.stderr) : fileTarget(f),
          ),
        );
      },
      async write(batch) {
        const text = serializeBatch(batch, ctx.options.data_format);
        if (!text) return;
        await Promise.all(
          targets.map((t) =>
            t.write(text).catch((err: Error) => {
              throw new Error(`${t.name}: ${err.message}`);
            }),
          ),
        );
      },
      async close() {
        await Promise.all(targets.map((t) => t.close()));
      },
    };
  },
});
