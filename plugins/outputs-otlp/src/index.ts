import { defineOutput, readSample } from '@vigil/core';
import { resolveSettings } from './export-settings.js';
import { checkFileOptions, schema, type OtlpOptions } from './options.js';
import { OtlpExporter } from './otlp-exporter.js';

export default defineOutput<OtlpOptions>({
  name: 'otlp',
  description: 'Sends metrics and logs to an OpenTelemetry receiver over OTLP (http/protobuf, http/json or gRPC)',
  accepts: ['metric', 'log'],
  sample: readSample(import.meta.url),
  schema,
  // The environment is read here too, so `vigil validate` reports a bad OTEL_EXPORTER_OTLP_* variable.
  check: (o) => [...checkFileOptions(o), ...resolveSettings(o).problems],
  create(ctx) {
    const { settings, problems } = resolveSettings(ctx.options);
    if (problems.length > 0) throw new Error(problems.map((p) => p.message).join('; '));
    const exporter = new OtlpExporter(ctx, settings);
    return {
      write: (batch, context) => exporter.write(batch, context),
      close: () => exporter.close(),
    };
  },
});
