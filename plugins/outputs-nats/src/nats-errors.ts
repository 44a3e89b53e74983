import { errors } from '@nats-io/transport-node';
import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';
import { socketErrorText } from '@vigil/core';

/** JetStream API errors that say the message itself will never be stored as it is. */
const PERMANENT_API_CODES = new Set([
  10054, // message size exceeds the stream's max_msg_size
  10060, // the subject is stored by another stream than the expected one
]);

/** The error and what caused it, outermost first (the client wraps socket and server errors). */
function* causes(err: unknown): Generator<unknown> {
  for (let e = err, depth = 0; e !== undefined && e !== null && depth < 5; e = (e as { cause?: unknown }).cause, depth++) yield e;
}

/** The words for the first socket error in the chain. */
function socketReason(err: unknown): string | undefined {
  for (const e of causes(err)) {
    const code = (e as { code?: unknown }).code;
    const reason = code === 'ETIMEDOUT' ? 'connection timed out' : socketErrorText(code);
    if (reason) return reason;
  }
  return undefined;
}

/** The server's refusal of a publish for want of permission, wherever it is in the chain. */
export function publishPermissionError(err: unknown): InstanceType<typeof errors.PermissionViolationError> | undefined {
  for (const e of causes(err)) if (e instanceof errors.PermissionViolationError && e.operation === 'publish') return e;
  return undefined;
}

/** The reason for a publish the server refused for want of permission. */
export function permissionReason(subject: string): string {
  return `the server refused to take messages on "${subject}": permissions violation (check the user's publish permissions)`;
}

/** One line for any error of the client: what went wrong, never a credential. */
export function describeNatsError(err: unknown, authMethod = ''): string {
  if (err instanceof errors.AuthorizationError) {
    return authMethod ? `authorization violation: the server refused ${authMethod}` : 'authorization violation: the server wants credentials and none are configured';
  }
  if (err instanceof errors.UserAuthenticationExpiredError) return 'user authentication expired: the credentials need renewing';
  const socket = socketReason(err);
  if (socket) return socket;
  if (err instanceof errors.TimeoutError) return 'timed out';
  if (err instanceof errors.PermissionViolationError) return `permissions violation: ${err.message}`;
  if (err instanceof JetStreamApiError) return `JetStream: ${err.message} (err_code ${err.code})`;
  // The client wraps some errors as text ("Error: unable to verify the first certificate").
  const message = (err instanceof Error ? err.message : String(err)).replace(/^(\w*Error: )+/, '');
  return message.split('\n')[0] || 'unknown error';
}

/** Whether the stream says the message can never be stored as it is (so retrying is pointless). */
export function isPermanentApiError(err: unknown): boolean {
  return err instanceof JetStreamApiError && PERMANENT_API_CODES.has(err.code);
}

/**
 * Whether nobody answered a publish: no stream captures the subject (or JetStream is off). The
 * JetStream client reports it as "jetstream is not enabled", caused by the no-responders error.
 */
export function isNoStreamError(err: unknown): boolean {
  for (const e of causes(err)) if (e instanceof errors.NoRespondersError || (e instanceof errors.RequestError && e.isNoResponders())) return true;
  return false;
}

/** Whether the JetStream API said the stream does not exist. */
export function isStreamNotFound(err: unknown): boolean {
  return err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound;
}
