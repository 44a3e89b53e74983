import { defineOutput, readSample, rejectBatch, retryLater, written } from '@vigil/core';
import { serializeBatch, type DataFormat } from './serialize.js';
import { fileTarget, streamTarget, type WriteTarget } from './write-target.js';

interface FileOptions {
  files: string[];
  data_format: DataFormat;
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
    let targets: WriteTarget[] = [];
    return {
      async connect() {
        targets = await Promise.all(
          ctx.options.files.map((f) =>
            f === 'stdout' ? streamTarget(f, process.stdout) : f === 'stderr' ? streamTarget(f, process.stderr) : fileTarget(f),
          ),
        );
      },
      async write(batch, context) {
        let text: string;
        try {
          text = serializeBatch(batch, ctx.options.data_format);
        } catch (err) {
          // Only an item outside the SDK's types (a bigint attribute from a third-party input)
          // gets here; the same batch would fail the same way at every retry.
          return rejectBatch(`cannot serialize the batch as ${ctx.options.data_format}: ${(err as Error).message}`);
        }
        if (!text) return written();
        // On a retry, only the targets that failed are written to: the others have the batch.
        const pending = targets.filter((t) => t.lastWrittenBatch !== context.batchId);
        const failures: string[] = [];
        await Promise.all(
          pending.map(async (t) => {
            try {
              await t.write(text);
              t.lastWrittenBatch = context.batchId;
            } catch (err) {
              failures.push(`${t.name}: ${(err as Error).message}`);
            }
          }),
        );
        return failures.length === 0 ? written() : retryLater(failures.join('; '));
      },
      async close() {
        await Promise.all(targets.map((t) => t.close()));
      },
    };
  },
});
