import { createHmac } from 'node:crypto';
import { newLogRecord, newMetric, type LogRecord, type Metric } from '@vigil/core';
import { createProcessor } from '@vigil/core/testing';
import redact from './index.js';

const record = (message: string, attributes: LogRecord['attributes'] = {}, tags: Record<string, string> = {}) =>
  newLogRecord({ level: 'info', message, source: '/var/log/app.log', attributes, tags }, 'logs');

describe('processors.redact', () => {
  it('masks every named pattern in one line, by default', () => {
    const process = createProcessor(redact, {});
    const out = process(record('user bob@example.com from 10.1.2.3 paid with 4111 1111 1111 1111 using password=hunter2')) as LogRecord;
    expect(out.message).toBe('user [REDACTED:email] from [REDACTED:ipv4] paid with [REDACTED:credit_card] using password=[REDACTED:password_kv]');
  });

  it('looks into attributes, tags and string fields, and leaves other values alone', () => {
    const process = createProcessor(redact, { patterns: ['email'] });
    const out = process(record('hi', { user: 'ann@example.org', count: 3, ok: true }, { owner: 'ops@example.org' })) as LogRecord;
    expect(out.attributes).toEqual({ user: '[REDACTED:email]', count: 3, ok: true });
    expect(out.tags).toEqual({ owner: '[REDACTED:email]' });
    const metric = process(newMetric('login', { who: 'eve@example.net', n: 1n }, { host: 'web-01' })) as Metric;
    expect(metric.fields).toEqual({ who: '[REDACTED:email]', n: 1n });
  });

  it('looks only where fields says', () => {
    const process = createProcessor(redact, { patterns: ['email'], fields: ['attributes.user*'] });
    const out = process(record('from a@example.com', { user_mail: 'b@example.com', other: 'c@example.com' })) as LogRecord;
    expect(out.message).toBe('from a@example.com');
    expect(out.attributes).toEqual({ user_mail: '[REDACTED:email]', other: 'c@example.com' });
  });

  it('masks custom patterns, a list named "custom" and a table by name, with (?i)', () => {
    const list = createProcessor(redact, { patterns: [], custom: ['(?i)api[_-]?key=\\S+'] });
    expect((list(record('GET /x?API_KEY=abc123 200')) as LogRecord).message).toBe('GET /x?[REDACTED:custom] 200');
    const table = createProcessor(redact, { patterns: ['email'], custom: { session: 'sess-[0-9a-f]{8}' } });
    expect((table(record('sess-0badcafe for x@example.com')) as LogRecord).message).toBe('[REDACTED:session] for [REDACTED:email]');
  });

  it('masks only the secret group of a custom pattern, and survives one that can match nothing', () => {
    const process = createProcessor(redact, { patterns: [], custom: { api_key: '(?i)api[_-]?key=(?<secret>\\w+)', maybe: 'q*' } });
    expect((process(record('GET /x?apikey=abc123&y=1')) as LogRecord).message).toBe('GET /x?apikey=[REDACTED:api_key]&y=1');
  });

  it('finds the start of an address after punctuation and after an earlier match', () => {
    const process = createProcessor(redact, { patterns: ['email', 'ipv4'] });
    expect((process(record('(to:.bob@example.com), cc 10.0.0.1 ann@example.org')) as LogRecord).message).toBe('(to:.[REDACTED:email]), cc [REDACTED:ipv4] [REDACTED:email]');
  });

  it('replaces a match with a keyed hash, the same for the same value', () => {
    const process = createProcessor(redact, { patterns: ['email'], hash: true, hash_key: 'k3y' });
    const hash = (s: string) => createHmac('sha256', 'k3y').update(s).digest('hex').slice(0, 16);
    const out = process(record('a@example.com then b@example.com then a@example.com')) as LogRecord;
    expect(out.message).toBe(`[REDACTED:email:${hash('a@example.com')}] then [REDACTED:email:${hash('b@example.com')}] then [REDACTED:email:${hash('a@example.com')}]`);
    const custom = createProcessor(redact, { patterns: ['ipv4'], hash: true, hash_key: 'k3y', replacement: '<{hash}>' });
    expect((custom(record('ip 10.0.0.1')) as LogRecord).message).toBe(`ip <${hash('10.0.0.1')}>`);
    // Of a card among other digits, only the card is hashed: the same card gives the same hash.
    const cards = createProcessor(redact, { patterns: ['credit_card'], hash: true, hash_key: 'k3y', replacement: '<{hash}>' });
    expect((cards(record('qty 2 4111 1111 1111 1111 123')) as LogRecord).message).toBe(`qty 2 <${hash('4111 1111 1111 1111')}> 123`);
  });

  it('rejects a custom pattern that does not compile, naming it', () => {
    expect(() => createProcessor(redact, { custom: ['ok', 'a(b'] })).toThrow('option "custom": pattern 2 ("a(b") does not compile: Invalid regular expression: /a(b/: Unterminated group');
  });

  it('rejects hash without a key, {hash} without hash, and an unknown place or pattern', () => {
    expect(() => createProcessor(redact, { hash: true })).toThrow('option "hash_key" is required when hash = true');
    expect(() => createProcessor(redact, { replacement: '{hash}' })).toThrow('option "replacement" uses {hash}');
    expect(() => createProcessor(redact, { fields: ['body'] })).toThrow('option "fields": "body" is not a place to redact');
    expect(() => createProcessor(redact, { patterns: ['phone'] })).toThrow('option "patterns.0" must be one of');
  });
});
