import { TimestampScanner } from '../timestamps.js';
import { createLineParser, type LineFormat } from './index.js';

const READ_AT = Date.parse('2026-11-23T08:00:00Z');
const parser = (format: LineFormat) => {
  const parse = createLineParser(format, new TimestampScanner('UTC'));
  return (line: string) => parse(line, READ_AT);
};
const auto = parser('auto');
const at = (iso: string) => Date.parse(iso);

describe('JSON lines', () => {
  test('time, level and message keys fill the record; other keys become attributes, nested ones dotted', () => {
    const line = '{"time":"2026-11-23T07:00:01.5Z","level":"warn","msg":"disk almost full","disk":"/dev/sda1","used_pct":91.5,"ok":false,"http":{"status":503},"tags":["a","b"],"gone":null}';
    expect(auto(line)).toEqual({
      timestamp: at('2026-11-23T07:00:01.500Z'),
      level: 'warn',
      message: 'disk almost full',
      attributes: { disk: '/dev/sda1', used_pct: 91.5, ok: false, 'http.status': 503, tags: '["a","b"]' },
    });
  });

  test.each([
    ['{"ts":1795417201.5,"msg":"x"}', at('2026-11-23T07:00:01.500Z')],
    ['{"timestamp":1795417201500,"msg":"x"}', at('2026-11-23T07:00:01.500Z')],
    ['{"@timestamp":"2026-11-23T07:00:01+01:00","message":"x"}', at('2026-11-23T06:00:01Z')],
  ])('epoch seconds, milliseconds and date strings: %s', (line, timestamp) => {
    expect(auto(line).timestamp).toBe(timestamp);
  });

  test.each([
    ['{"level":50,"msg":"pino"}', 'error'],
    ['{"severity":"ERROR","message":"gcp"}', 'error'],
    ['{"levelname":"WARNING","message":"python"}', 'warn'],
    ['{"log":{"level":"fatal"},"message":"ecs"}', 'fatal'],
    ['{"lvl":"dbg","msg":"x"}', 'debug'],
    ['{"level":"shouting","msg":"x"}', 'info'],
  ])('level from %s is %s', (line, level) => {
    expect(auto(line).level).toBe(level);
  });

  test('a JSON object without a message keeps the whole line as its message', () => {
    expect(auto('{"event":"login","user":"bob"}')).toMatchObject({ message: '{"event":"login","user":"bob"}', attributes: { event: 'login', user: 'bob' } });
  });

  test('a line that is not a JSON object is read as plain text', () => {
    expect(auto('{broken ERROR')).toMatchObject({ message: '{broken ERROR', level: 'error', attributes: {} });
    expect(parser('json')('[1,2]')).toMatchObject({ message: '[1,2]', attributes: {} });
  });
});

describe('logfmt lines', () => {
  test('keys become attributes; quoted values are unescaped; a bare key is "true"', () => {
    expect(auto('time=2026-11-23T07:00:01Z level=warn msg="said \\"hi\\"" user=bob took=3ms dry_run')).toEqual({
      timestamp: at('2026-11-23T07:00:01Z'),
      level: 'warn',
      message: 'said "hi"',
      attributes: { user: 'bob', took: '3ms', dry_run: 'true' },
    });
  });

  test('a timestamp before the keys counts as the time', () => {
    expect(auto('2026-11-23T07:00:01Z lvl=E msg=boom code=7')).toEqual({ timestamp: at('2026-11-23T07:00:01Z'), level: 'error', message: 'boom', attributes: { code: '7' } });
  });

  test('without msg the whole line is the message', () => {
    expect(parser('logfmt')('a=1 b=2')).toMatchObject({ message: 'a=1 b=2', level: 'info', attributes: { a: '1', b: '2' } });
  });
});

describe('syslog lines', () => {
  test('RFC 5424: priority gives facility and level; header fields and structured data become attributes', () => {
    const line = '<165>1 2026-11-23T07:00:01.003Z web-1 myapp 1234 ID47 [exampleSDID@32473 iut="3" eventSource="App"] An application event';
    expect(auto(line)).toEqual({
      timestamp: at('2026-11-23T07:00:01.003Z'),
      level: 'info',
      message: 'An application event',
      attributes: { facility: 'local4', hostname: 'web-1', appname: 'myapp', procid: '1234', msgid: 'ID47', 'exampleSDID@32473.iut': '3', 'exampleSDID@32473.eventSource': 'App' },
    });
  });

  test('RFC 5424 with nil values', () => {
    expect(auto('<11>1 2026-11-23T07:00:01Z host app - - - disk failed')).toEqual({
      timestamp: at('2026-11-23T07:00:01Z'),
      level: 'error',
      message: 'disk failed',
      attributes: { facility: 'user', hostname: 'host', appname: 'app' },
    });
  });

  test('RFC 3164 with a priority', () => {
    expect(auto('<34>Nov 23 07:00:01 web-1 sshd[123]: Failed password for root')).toEqual({
      timestamp: at('2026-11-23T07:00:01Z'),
      level: 'fatal',
      message: 'Failed password for root',
      attributes: { facility: 'auth', hostname: 'web-1', appname: 'sshd', procid: '123' },
    });
  });

  test('syslog as written to files (no priority): the level comes from the message', () => {
    expect(auto('Nov 23 07:00:01 web-1 app[77]: ERROR connection refused')).toMatchObject({ level: 'error', message: 'ERROR connection refused', attributes: { hostname: 'web-1', appname: 'app', procid: '77' } });
    expect(auto('Nov 23 07:00:01 web-1 cron: (root) CMD (run-parts)')).toMatchObject({ level: 'info', timestamp: at('2026-11-23T07:00:01Z'), attributes: { hostname: 'web-1', appname: 'cron' } });
  });

  test.each([0, 1, 2, 3, 4, 5, 6, 7])('severity %i', (severity) => {
    expect(auto(`<${8 + severity}>Nov 23 07:00:01 h a: m`).level).toBe(['fatal', 'fatal', 'fatal', 'error', 'warn', 'info', 'info', 'debug'][severity]);
  });
});

describe('common and combined log format', () => {
  test('common log format', () => {
    expect(auto('127.0.0.1 - frank [10/Oct/2026:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326')).toEqual({
      timestamp: at('2026-10-10T20:55:36Z'),
      level: 'info',
      message: '127.0.0.1 - frank [10/Oct/2026:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326',
      attributes: { client_ip: '127.0.0.1', auth: 'frank', verb: 'GET', request: '/apache_pb.gif', http_version: 1, resp_code: 200, resp_bytes: 2326 },
    });
  });

  test('combined log format: 4xx is a warning, referrer and agent are kept', () => {
    const line = '10.0.0.9 - - [23/Nov/2026:07:00:01 +0000] "POST /login HTTP/1.1" 404 15 "https://example.com/" "curl/8.5.0"';
    expect(auto(line)).toMatchObject({ level: 'warn', attributes: { client_ip: '10.0.0.9', verb: 'POST', request: '/login', http_version: 1.1, resp_code: 404, resp_bytes: 15, referrer: 'https://example.com/', agent: 'curl/8.5.0' } });
  });

  test('5xx is an error; a "-" size is left out', () => {
    const parsed = parser('clf')('::1 - - [23/Nov/2026:07:00:01 +0000] "GET / HTTP/2.0" 503 -');
    expect(parsed.level).toBe('error');
    expect(parsed.attributes).not.toHaveProperty('resp_bytes');
  });
});

describe('plain text lines', () => {
  test.each([
    ['2026-11-23T07:00:01.123Z ERROR [worker-3] request failed', 'error', '2026-11-23T07:00:01.123Z'],
    ['2026-11-23 07:00:01,123 - app.db - WARNING - slow query', 'warn', '2026-11-23T07:00:01.123Z'],
    ['2026-11-23 07:00:01.123 [main] ERROR com.example.Foo - boom', 'error', '2026-11-23T07:00:01.123Z'],
    ['2026/11/23 07:00:01 [warn] 1234#0: *1 upstream timed out', 'warn', '2026-11-23T07:00:01Z'],
    ['[2026-11-23 07:00:01] production.ERROR: Something broke', 'error', '2026-11-23T07:00:01Z'],
    ['[23/Nov/2026:07:00:01 +0000] [notice] started', 'info', '2026-11-23T07:00:01Z'],
    ['2026-11-23T07:00:01Z E something odd', 'error', '2026-11-23T07:00:01Z'],
    ['2026-11-23T07:00:01Z | DEBUG | cache warm', 'debug', '2026-11-23T07:00:01Z'],
    ['E1123 07:00:01.123456   12345 server.go:42] connection lost', 'error', '2026-11-23T07:00:01.123Z'],
    ['W1123 07:00:01.000000   12345 server.go:42] slow', 'warn', '2026-11-23T07:00:01Z'],
    ['Nov 23 07:00:01 CRIT disk gone', 'fatal', '2026-11-23T07:00:01Z'],
    ['2026-11-23 07:00:01,123 - app - warning - disk at 91%', 'warn', '2026-11-23T07:00:01.123Z'],
    ['2026-11-23 07:00:01,123 | error | queue full', 'error', '2026-11-23T07:00:01.123Z'],
  ])('%s → %s', (line, level, time) => {
    expect(auto(line)).toEqual({ timestamp: at(time), level, message: line, attributes: {} });
  });

  test.each([
    ['[WARN] low disk', 'warn'],
    ['<info> starting', 'info'],
    ['warning: deprecated flag', 'warn'],
    ['FATAL: out of memory', 'fatal'],
    ['Traceback follows. ERROR in handler', 'error'],
    ['job done level=error code=3', 'error'],
    ['job done severity="warning"', 'warn'],
    ['Starting service', 'info'],
    ['the error was handled', 'info'],
    ['E-mail sent to the team', 'info'],
    ['T-Mobile outage reported', 'info'],
  ])('%s → %s (no timestamp: the time of reading)', (line, level) => {
    expect(auto(line)).toEqual({ timestamp: NaN, level, message: line, attributes: {} });
  });

  test('format = "plain" does not look for structure', () => {
    expect(parser('plain')('{"level":"error","msg":"x"}')).toEqual({ timestamp: NaN, level: 'info', message: '{"level":"error","msg":"x"}', attributes: {} });
  });
});
