import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import got from 'got';
import { readBoundedAnswer } from './http-answers.js';

let server: Server;
let url: string;

beforeAll(async () => {
  server = createServer((req, res) => res.writeHead(200).end('x'.repeat(Number(req.url?.slice(1)))));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve).closeAllConnections()));

describe('readBoundedAnswer', () => {
  it('reads a body within the limit whole', async () => {
    const answer = await readBoundedAnswer<{ statusCode: number }>(got.stream(`${url}/100`), 4096);
    expect(answer.response.statusCode).toBe(200);
    expect(answer.body.toString()).toBe('x'.repeat(100));
    expect(answer.truncated).toBe(false);
  });

  it('keeps only the first bytes of a longer body and says so', async () => {
    const answer = await readBoundedAnswer<{ statusCode: number }>(got.stream(`${url}/100000`), 4096);
    expect(answer.body.length).toBe(4096);
    expect(answer.truncated).toBe(true);
  });
});
