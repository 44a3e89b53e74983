import { defineOutput, readSample, rejectBatch, retryLater, written, type WriteResult } from '@vigil/core';
import { BatchEncoder, type DataFormat } from './serialize.js';
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
        description:
          'Where to write: "stdout", "stderr" or file paths, appended to (created if missing). Files are opened when the output connects; a folder missing then is a connect error, retried at each flush. A file removed or renamed away while running (its folder too) is created again. Each batch goes to every target; a retry goes only to those that failed.',
      },
      data_format: { enum: ['influx', 'json'], default: 'influx', description: '"influx": InfluxDB line protocol, one line per item (a log record as a line named after its stream, with fields `level`, `message`, `source` and its attributes); "json": one object per line, timestamps in RFC 3339 (UTC, milliseconds).' },
    },
  },
  create(ctx) {
    let targets: WriteTarget[] = [];
    const encoder = new BatchEncoder(ctx.options.data_format);
    const notice = (message: string) => ctx.log.warn(message);
    /** Targets whose end (stdout closed by its reader) has been told. */
    const told = new Set<WriteTarget>();
    /**
     * Tells of targets that ended since the last write, in one line: as the reason of this
     * batch's rejection (counted in metrics_rejected) when no target is left, else as a warning.
     */
    const tellEnded = (): WriteResult | undefined => {
      const ended = targets.filter((t) => t.ended && !told.has(t));
      for (const t of ended) told.add(t);
      const reason = ended.map((t) => t.ended).join('; ');
      if (targets.every((t) => t.ended)) return ended.length > 0 ? rejectBatch(reason) : written();
      if (reason) ctx.log.warn(reason);
      return undefined;
    };
    return {
      async connect() {
        targets = await Promise.all(
          ctx.options.files.map((f) => (f === 'stdout' ? streamTarget(f, process.stdout) : f === 'stderr' ? streamTarget(f, process.stderr) : fileTarget(f, notice))),
        );
      },
      async write(batch, context) {
        let bytes: Buffer;
        try {
          bytes = encoder.encode(batch);
        } catch (err) {
          // Only an item outside the SDK's types (a bigint attribute from a third-party input)
          // gets here; the same batch would fail the same way at every retry.
          return rejectBatch(`cannot serialize the batch as ${ctx.options.data_format}: ${(err as Error).message}`);
        }
        if (bytes.length === 0) return written();
        // Every target ended and told: the output has nowhere left to write, the agent runs on.
        if (targets.every((t) => t.ended && told.has(t))) return written();
        // On a retry, only the targets that failed are written to: the others have the batch.
        const pending = targets.filter((t) => t.lastWrittenBatch !== context.batchId && !t.ended);
        const failures: string[] = [];
        await Promise.all(
          pending.map(async (t) => {
            try {
              await t.write(bytes);
              t.lastWrittenBatch = context.batchId;
            } catch (err) {
              if (!t.ended) failures.push(`${t.name}: ${(err as Error).message}`);
            }
          }),
        );
        const ended = tellEnded();
        if (ended) return ended;
        return failures.length === 0 ? written() : retryLater(failures.join('; '));
      },
      async close() {
        await Promise.all(targets.map((t) => t.close()));
      },
    };
  },
});
