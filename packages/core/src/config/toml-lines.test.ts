import { findKeyLines, lineOf } from './toml-lines.js';

describe('TOML key lines', () => {
  const text = [
    '[agent]', //1
    '  interval = "10s" # comment [x]', //2
    '[[outputs.heartbeat]]', //3
    '  urls = [', //4
    '    "http://a", # = not a key', //5
    '  ]', //6
    '  headers = {', //7
    '    Authorization = "Token ..."', //8
    '  }', //9
    '  [outputs.heartbeat.status_conditions]', //10
    '    warn = "log_errors > 0"', //11
    '[[outputs.heartbeat]]', //12
    '  description = """', //13
    'fake = 1', //14
    '"""', //15
    '  "quoted.key" = 1', //16
  ].join('\n');
  const lines = findKeyLines(text);

  it('finds keys under tables and arrays of tables', () => {
    expect(lines.get('agent.interval')).toBe(2);
    expect(lines.get('outputs.heartbeat.0')).toBe(3);
    expect(lines.get('outputs.heartbeat.0.urls')).toBe(4);
    expect(lines.get('outputs.heartbeat.1')).toBe(12);
  });

  it('finds keys inside a multi-line inline table and a sub-table of the current array entry', () => {
    expect(lines.get('outputs.heartbeat.0.headers.Authorization')).toBe(8);
    expect(lines.get('outputs.heartbeat.0.status_conditions.warn')).toBe(11);
  });

  it('ignores what looks like keys inside arrays and multi-line strings', () => {
    expect(lines.has('outputs.heartbeat.1.fake')).toBe(false);
    expect(lines.get('outputs.heartbeat.1.quoted.key')).toBe(16);
  });

  it('falls back to the enclosing table for a key that is not there', () => {
    expect(lineOf(lines, 'outputs.heartbeat.1.missing')).toBe(12);
  });
});
