import { UsageError } from './usage.js';

/**
 * Node's parseArgs errors in vigil's words, one line each: its own messages span lines and
 * give advice (`'-- "-v"'`) that does not apply to vigil.
 */
export function usageErrorOf(err: unknown): UsageError {
  const message = (err as Error).message ?? String(err);
  const flag = /'(-{1,2}[^' ]+)/.exec(message)?.[1] ?? '';
  switch ((err as { code?: string }).code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return new UsageError(`unknown flag "${flag}"`);
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      if (message.includes('does not take an argument')) return new UsageError(`${flag} takes no value`);
      // "argument missing", or the next word is another flag ("ambiguous").
      return new UsageError(`${flag} needs a value (write ${flag}=VALUE for one starting with "-")`);
    default:
      return new UsageError(message.split('\n')[0]);
  }
}
