import type { Readable } from 'node:stream';

/** How much of an answer's body an HTTP client keeps by default: enough for any error text. */
export const MAX_ANSWER_BYTES = 64 * 1024;

export interface BoundedAnswer<R> {
  response: R;
  /** At most `maxBytes` of the body. */
  body: Buffer;
  /** Whether the body was longer and the rest left unread (the connection is closed). */
  truncated: boolean;
}

/**
 * Waits for the answer of a request stream (got's `client.stream(…)`, which emits `response`)
 * and reads at most `maxBytes` of its body, then closes it: a server answering with a huge
 * body costs `maxBytes` of memory, not the body's size. Rejects with the stream's error.
 */
export function readBoundedAnswer<R>(request: Readable, maxBytes = MAX_ANSWER_BYTES): Promise<BoundedAnswer<R>> {
  return new Promise((resolve, reject) => {
    let response: R | undefined;
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (truncated: boolean) => {
      if (done) return;
      done = true;
      resolve({ response: response!, body: Buffer.concat(chunks, size), truncated });
      if (truncated) request.destroy();
    };
    request.once('response', (r: R) => (response = r));
    request.on('data', (chunk: Buffer) => {
      const room = maxBytes - size;
      if (chunk.length <= room) {
        chunks.push(chunk);
        size += chunk.length;
        return;
      }
      chunks.push(chunk.subarray(0, room));
      size = maxBytes;
      finish(true);
    });
    request.once('end', () => finish(false));
    // `on`, not `once`: a stream closed early may still report an error, which must not go unheard.
    request.on('error', (err) => {
      if (!done) reject(err);
      done = true;
    });
  });
}
