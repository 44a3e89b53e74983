/**
 * The public SDK of @vigil/core: everything a plugin, built-in or third-party, may use.
 * The agent's own machinery is in `@vigil/core/runtime`, for the CLI.
 */
export { defineInput, defineProcessor, defineOutput, isPluginDefinition } from './sdk/plugin.js';
export { readSample } from './sdk/sample.js';
export type {
  Accumulator,
  AgentInfo,
  DeliveryGroup,
  InputDefinition,
  InputPlugin,
  OptionProblem,
  OptionsSchema,
  OutputDefinition,
  OutputPlugin,
  PluginContext,
  PluginDefinition,
  PluginKind,
  PluginState,
  ProcessorDefinition,
  ProcessorPlugin,
  WriteContext,
} from './sdk/plugin.js';
export { written, retryLater, rejectBatch, parseRetryAfter, httpStatusOutcome, httpWriteResult, MAX_RETRY_AFTER_MS, type WriteResult } from './sdk/write-result.js';
export {
  readOptionFile,
  readTlsFiles,
  tlsFileProblems,
  TLS_CLIENT_SCHEMA_PROPERTIES,
  TLS_FILE_OPTIONS,
  type TlsFileOption,
  type TlsFileOptions,
  type TlsFiles,
} from './sdk/tls-files.js';
export { socketErrorText } from './sdk/socket-error-text.js';
export { addCelExtensions, celConditionProblem } from './sdk/cel-extensions.js';
export { HTTP_CLIENT_SCHEMA_PROPERTIES, TLS_CIPHER_SUITES, httpClientProblems, httpClientSecrets, type HttpClientOptions } from './sdk/http-client-options.js';
// createHttpClient itself is in '@vigil/core/http', so importing the SDK does not load got.
export type { ClientTls, HttpClient, HttpClientSettings } from './sdk/http-client.js';
export { LOG_RECORD_FIELDS, fieldNames, getField, setField, deleteField } from './sdk/item-fields.js';
export { compileConfigRegex, configRegexProblem, configReplacement } from './sdk/config-regex.js';
export { DropSummary } from './sdk/drop-summary.js';
export { readBoundedAnswer, MAX_ANSWER_BYTES, type BoundedAnswer } from './sdk/http-answers.js';
export { newMetric, newLogRecord, cloneItem, levelRank, LOG_LEVELS } from './model/item.js';
export type { AttributeValue, FieldValue, Fields, Item, ItemKind, LogLevel, LogRecord, LogRecordInit, Metric, MetricType, Tags } from './model/item.js';
export { toLineProtocol } from './model/line-protocol.js';
export { toJsonObject, toJsonLine, rfc3339 } from './model/json.js';
export { parseDuration, formatDuration } from './config/duration.js';
export { compileGlobs, globSource, type Matcher } from './pipeline/glob.js';
export { redactUrlCredentials } from './log/redactor.js';
export type { LogEntry, LogRingReader } from './log/ring.js';
export type { AgentStats, InputStatsEntry, ProcessorStatsEntry, OutputStatsEntry, StatsReader, StatsSnapshot, LogCounts } from './stats/stats.js';
export type { Logger } from 'pino';
export { VERSION } from './version.js';
