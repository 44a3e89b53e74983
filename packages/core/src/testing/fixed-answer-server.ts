import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FixedAnswer {
  status: number;
  headers?: Record<string, string>;
  /** Bytes of filler streamed as the client reads them, instead of an empty body. */
  bodyBytes?: number;
}

export interface FixedAnswerServer {
  /** `http://127.0.0.1:PORT` */
  origin: string;
  /** The headers of every request, in order. */
  requests: IncomingHttpHeaders[];
  /** Per answer with `bodyBytes`: how much of it was written before the client hung up. */
  bodyBytesSent: number[];
  close(): Promise<void>;
}

/**
 * An HTTP server on 127.0.0.1 giving every request the same answer: for tests of what a client
 * does with a redirect (does it follow, with which headers) or a huge body (does it stop reading).
 */
export async function startFixedAnswerServer(answer: FixedAnswer): Promise<FixedAnswerServer> {
  const requests: IncomingHttpHeaders[] = [];
  const bodyBytesSent: number[] = [];
  const server = createServer((req, res) => {
    requests.push(req.headers);
    req.resume();
    req.on('end', () => (answer.bodyBytes ? streamFiller(res, answer, bodyBytesSent) : res.writeHead(answer.status, answer.headers).end()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    bodyBytesSent,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function streamFiller(res: ServerResponse, answer: FixedAnswer, sent: number[]): void {
  const total = answer.bodyBytes!;
  const index = sent.push(0) - 1;
  const chunk = Buffer.alloc(64 * 1024, 'x');
  res.writeHead(answer.status, { 'content-type': 'text/plain', 'content-length': String(total), ...answer.headers });
  const more = () => {
    while (sent[index] < total && !res.destroyed) {
      const size = Math.min(chunk.length, total - sent[index]);
      sent[index] += size;
      if (!res.write(chunk.subarray(0, size))) return void res.once('drain', more);
    }
    res.end();
  };
  more();
}
