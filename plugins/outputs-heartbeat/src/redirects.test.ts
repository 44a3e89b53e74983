import { connected, createHeartbeat, startReceiver, stopAll } from './test-harness.js';

afterEach(stopAll);

const secrets = { token: 'tok-redirect-1', headers: { 'X-Key': 'hdr-redirect-2' } };

describe('outputs.heartbeat and redirects', () => {
  it('follows no redirect by default: the beat fails with one line naming where the server pointed', async () => {
    const first = await startReceiver();
    const elsewhere = await startReceiver();
    first.answer = { status: 307, headers: { location: elsewhere.url.replace('http://', 'http://u:p4ss@') } };
    const run = createHeartbeat({ urls: [first.url], agent_id: 'a', ...secrets });
    await connected(run);
    expect(elsewhere.beats).toHaveLength(0);
    expect(run.ownLogs()).toEqual([
      `error heartbeat to ${first.url} failed: answered 307 Temporary Redirect to ${elsewhere.url.replace('http://', 'http://u:***@')}; redirects are not followed (follow_redirects = false); next try in 1h`,
    ]);
  });

  it('with follow_redirects, sends neither headers nor token to another origin', async () => {
    const first = await startReceiver();
    const elsewhere = await startReceiver();
    first.answer = { status: 307, headers: { location: elsewhere.url } };
    const run = createHeartbeat({ urls: [first.url], agent_id: 'a', follow_redirects: true, ...secrets });
    await connected(run);
    expect(run.ownLogs()).toEqual([]);
    expect(first.last.headers).toMatchObject({ authorization: 'Bearer tok-redirect-1', 'x-key': 'hdr-redirect-2' });
    expect(elsewhere.beats).toHaveLength(1);
    expect(elsewhere.last.body.id).toBe('a');
    expect(elsewhere.last.headers).not.toHaveProperty('authorization');
    expect(elsewhere.last.headers).not.toHaveProperty('x-key');
  });

  it('with follow_redirects, keeps headers and token on a redirect within the same origin', async () => {
    const receiver = await startReceiver();
    receiver.answer = (beat) => (beat.path === '/heartbeat' ? { status: 308, headers: { location: '/moved' } } : { status: 204 });
    const run = createHeartbeat({ urls: [receiver.url], agent_id: 'a', follow_redirects: true, ...secrets });
    await connected(run);
    expect(receiver.beats.map((b) => b.path)).toEqual(['/heartbeat', '/moved']);
    expect(receiver.last.headers).toMatchObject({ authorization: 'Bearer tok-redirect-1', 'x-key': 'hdr-redirect-2' });
    expect(run.ownLogs()).toEqual([]);
  });
});
