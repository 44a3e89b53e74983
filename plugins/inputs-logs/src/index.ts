import { defineInput, readSample } from '@vigil/core';
import { Batcher } from './batcher.js';
import { FileGlob } from './file-glob.js';
import { Fingerprinter } from './fingerprinter.js';
import { createLineParser } from './formats/index.js';
import { checkOptions, schema, type LogsOptions } from './options.js';
import { Problems } from './problems.js';
import { RecordBuilder } from './record-builder.js';
import { parseSavedState, StartPositions } from './saved-state.js';
import { Tailer } from './tailer.js';
import { TimestampScanner } from './timestamps.js';

export type { LogsOptions } from './options.js';

export default defineInput<LogsOptions>({
  name: 'logs',
  description: 'Follows log files through rotation and turns each line into a log record',
  schema,
  sample: readSample(import.meta.url),
  check: checkOptions,
  create(ctx) {
    const options = ctx.options;
    let tailer: Tailer | undefined;
    return {
      async start(acc) {
        const problems = new Problems(ctx.log);
        // Groups may settle after stop(): they reach this run's tailer, not a later one.
        let settled = (_moved: boolean): void => undefined;
        const batch = new Batcher(acc, { batchSize: options.batch_size, maxUndelivered: options.max_undelivered_lines, onSettled: (moved) => settled(moved) });
        const records = new RecordBuilder(createLineParser(options.format, new TimestampScanner(options.timezone)), batch, {
          multiline: options.multiline_pattern ? new RegExp(options.multiline_pattern) : undefined,
          pathTag: options.path_tag,
          maxLineBytes: options.max_line_bytes,
          onSkipped: (file, why) =>
            why === 'long'
              ? problems.once(file.path, 'long', `${file.path}: left out a line longer than max_line_bytes (${options.max_line_bytes} bytes)`)
              : problems.once(file.path, 'binary', `${file.path}: binary data (NUL bytes) left out, up to the next line of text`),
        });
        const started = new Tailer(
          {
            globs: options.files.map((pattern) => new FileGlob(pattern)),
            watchMethod: options.watch_method,
            maxLineBytes: options.max_line_bytes,
            rescanMs: ctx.intervalMs,
            flushMs: options.flush_interval,
            fingerprints: new Fingerprinter({ lines: options.fingerprint_lines, bytes: options.fingerprint_bytes, ignoredHeaderBytes: options.ignored_header_bytes }),
          },
          records,
          batch,
          problems,
          new StartPositions(options.initial_read_offset, parseSavedState(ctx.state.load())),
          (state) => ctx.state.save(state),
        );
        settled = (moved) => started.onSettled(moved);
        tailer = started;
        await started.start();
      },
      async stop() {
        await tailer?.stop();
        tailer = undefined;
      },
    };
  },
});
