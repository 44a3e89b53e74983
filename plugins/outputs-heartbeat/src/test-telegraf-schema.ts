/**
 * Telegraf's heartbeat message, schema version 1, written from the fields Telegraf documents
 * (plugins/outputs/heartbeat: README and schema_v1.json): no other property is allowed.
 */
const RFC3339 = '^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?(Z|[+-]\\d\\d:\\d\\d)$';

export const telegrafHeartbeatV1 = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'version'],
  properties: {
    id: { type: 'string' },
    version: { type: 'string' },
    schema: { type: 'integer', const: 1 },
    last: { type: 'integer' },
    hostname: { type: 'string' },
    configurations: { type: 'array', items: { type: 'string' } },
    statistics: {
      type: 'object',
      additionalProperties: false,
      required: ['errors', 'warnings', 'metrics'],
      properties: {
        errors: { type: 'integer', minimum: 0 },
        warnings: { type: 'integer', minimum: 0 },
        metrics: { type: 'integer', minimum: 0 },
      },
    },
    logs: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['time', 'level', 'source', 'message'],
        properties: {
          time: { type: 'string', pattern: RFC3339 },
          level: { enum: ['ERROR', 'WARN', 'INFO', 'DEBUG', 'TRACE'] },
          source: { type: 'string' },
          attributes: { type: 'object' },
          message: { type: 'string' },
        },
      },
    },
    status: { enum: ['OK', 'WARN', 'FAIL', 'UNDEFINED'] },
  },
} as const;
