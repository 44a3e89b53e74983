import { TrustedOrigins } from './http-client-origins.js';

describe('TrustedOrigins', () => {
  const headers = () => ({ 'x-key': 'secret', authorization: 'Bearer t', cookie: 'session=s1', 'user-agent': 'vigil', 'content-type': 'application/json' }) as Record<string, unknown>;
  const requestTo = (to: string, configured = ['http://a.example:8080/hb']) => {
    const sent = headers();
    const trusted = new TrustedOrigins(configured).strip(new URL(to), sent);
    return { trusted, sent };
  };

  it('keeps every header on a request within a configured origin', () => {
    expect(requestTo('http://a.example:8080/moved')).toEqual({ trusted: true, sent: headers() });
  });

  it.each([
    ['another host', 'http://b.example:8080/hb'],
    ['another port', 'http://a.example:9090/hb'],
    ['another scheme, same host and port', 'https://a.example:8080/hb'],
  ])('drops the user\'s headers on a request to %s, and keeps only those that say nothing of the user', (_, to) => {
    expect(requestTo(to)).toEqual({ trusted: false, sent: { 'user-agent': 'vigil', 'content-type': 'application/json' } });
  });

  it('keeps the headers for another origin that is configured too', () => {
    expect(requestTo('http://b.example:8080/other', ['http://a.example:8080/hb', 'http://b.example:8080/hb']).trusted).toBe(true);
  });

  it('trusts an origin added later, and only that one', () => {
    const origins = new TrustedOrigins(['https://gw.example/api']);
    origins.trust('https://ingest.example:8443/v1/events');
    expect(origins.has('https://ingest.example:8443/other')).toBe(true);
    expect(origins.has('https://ingest.example/v1/events')).toBe(false);
    expect(origins.has('not a url')).toBe(false);
  });
});
