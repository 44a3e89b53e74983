import { formatDuration, socketErrorText } from '@vigil/core';

/**
 * What MQTT's return and reason codes, and socket errors, mean to a user, in words that say what
 * to do. MQTT 3.1.1 CONNACK return codes are 1-5; MQTT 5 reason codes are 0x80 and up.
 */

const CONNACK_3: Record<number, string> = {
  1: 'the broker does not speak MQTT 3.1.1 (unacceptable protocol version); try protocol = "5"',
  2: 'client id rejected (mosquitto 2.0.12+ also says this for keep_alive = "0s")',
  3: 'the broker is unavailable',
  4: 'bad user name or password',
  5: 'not authorized: check username and password',
};

const REASONS_5: Record<number, string> = {
  0x80: 'unspecified error',
  0x81: 'malformed packet',
  0x82: 'protocol error',
  0x83: 'implementation specific error',
  0x84: 'the broker does not speak MQTT 5 (unsupported protocol version); try protocol = "3.1.1"',
  0x85: 'client id not valid (mosquitto 2.0.12+ also says this for keep_alive = "0s")',
  0x86: 'bad user name or password',
  0x87: 'not authorized',
  0x88: 'the broker is unavailable',
  0x89: 'the broker is busy',
  0x8a: 'banned',
  0x8b: 'the broker is shutting down',
  0x8c: 'bad authentication method',
  0x8d: 'keep-alive timeout',
  0x8e: 'session taken over: another client connected with the same client_id (give each agent its own)',
  0x90: 'topic name invalid',
  0x91: 'packet identifier in use',
  0x93: 'receive maximum exceeded',
  0x94: 'topic alias invalid',
  0x95: 'packet too large',
  0x96: 'message rate too high',
  0x97: 'quota exceeded',
  0x98: 'administrative action',
  0x99: 'payload format invalid',
  0x9a: 'retain not supported: set retain = false, and will_retain = false',
  0x9b: 'QoS not supported: lower qos',
  0x9c: 'use another server',
  0x9d: 'server moved',
  0x9f: 'connection rate exceeded',
  0xa0: 'maximum connect time reached',
};

/**
 * Reason codes that say a message can never be taken as it is: its batch is rejected, not
 * retried. Everything else (quota exceeded, busy, unspecified) may pass on another try.
 */
const REFUSED_FOR_GOOD = new Set([0x87, 0x90, 0x95, 0x99, 0x9a, 0x9b]);

export function isRefusedForGood(code: number | undefined): boolean {
  return code !== undefined && REFUSED_FOR_GOOD.has(code);
}

/** An MQTT 5 reason code in words ("quota exceeded (0x97)"). */
export function reasonCodeText(code: number): string {
  return `${REASONS_5[code] ?? 'error'} (0x${code.toString(16).padStart(2, '0')})`;
}

/**
 * Why a connection failed or ended, from the error mqtt.js reported: a CONNACK refusal, a
 * socket error, a TLS failure, a timeout. `timeoutMs` names the wait of a CONNACK timeout.
 */
export function connectionErrorText(err: unknown, protocolVersion: 4 | 5, timeoutMs: number): string {
  if (!err) return 'connection closed by the broker';
  const e = err as Error & { code?: unknown };
  if (typeof e.code === 'number' && e.message.startsWith('Connection refused')) {
    return protocolVersion === 5 ? `refused: ${reasonCodeText(e.code)}` : `refused: ${CONNACK_3[e.code] ?? `return code ${e.code}`}`;
  }
  const socketError = e.code === 'ETIMEDOUT' ? 'connection timed out' : socketErrorText(e.code);
  if (socketError) return socketError;
  if (e.message === 'connack timeout') return `no CONNACK within ${formatDuration(timeoutMs)} (is this an MQTT port?)`;
  if (e.message === 'Keepalive timeout') return 'no answer to keep-alive pings';
  return e.message.split('\n')[0];
}
