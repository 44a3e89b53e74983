import { Environment } from '@marcbachmann/cel-js';
import { addCelExtensions } from './cel-extensions.js';

const env = addCelExtensions(new Environment()).registerVariable('errors', 'int').registerVariable('entry', 'map<string, dyn>');
const run = (expression: string, variables: Record<string, unknown> = {}) => env.evaluate(expression, variables);

// Expected values as cel-go's math and encoders extensions document them.
describe('CEL math extension', () => {
  it.each([
    ['math.greatest(1, 5, 3)', 5n],
    ['math.greatest([1, 5, 3])', 5n],
    ['math.greatest(-7)', -7n],
    ['math.greatest(1, 2.5)', 2.5],
    ['math.greatest(3.0, 2)', 3.0],
    ['math.least(1, 5, 3)', 1n],
    ['math.least([4.5, -1.5])', -1.5],
    ['math.least(2, -0.5, 7)', -0.5],
    ['math.abs(-3)', 3n],
    ['math.abs(-2.5)', 2.5],
    ['math.sign(-9)', -1n],
    ['math.sign(0.0)', 0],
    ['math.sign(4.2)', 1],
    ['math.ceil(1.2)', 2],
    ['math.floor(-1.2)', -2],
    ['math.round(2.5)', 3],
    ['math.round(-2.5)', -3],
    ['math.round(1.4)', 1],
    ['math.trunc(-1.7)', -1],
    ['math.sqrt(16)', 4],
    ['math.sqrt(2.25)', 1.5],
    ['math.isInf(1.0 / 0.0)', true],
    ['math.isNaN(0.0 / 0.0)', true],
    ['math.isFinite(1.0)', true],
    ['math.bitAnd(12, 10)', 8n],
    ['math.bitOr(12, 10)', 14n],
    ['math.bitXor(12, 10)', 6n],
    ['math.bitNot(0)', -1n],
    ['math.bitShiftLeft(1, 4)', 16n],
    ['math.bitShiftRight(256, 4)', 16n],
    ['math.bitShiftRight(-1, 63)', 1n],
    ['math.bitShiftLeft(1, 64)', 0n],
  ])('%s is %p', (expression, expected) => {
    expect(run(expression)).toBe(expected);
  });

  it('keeps unsigned results unsigned', () => {
    expect(String(run('math.bitOr(1u, 2u)'))).toBe('3');
    expect(run('math.bitOr(1u, 2u) == 3u')).toBe(true);
    expect(run('math.bitNot(0u) == 18446744073709551615u')).toBe(true);
    expect(run('math.greatest(1u, 4u) == 4u')).toBe(true);
  });

  it('works on variables, as a heartbeat condition uses them', () => {
    expect(run('math.greatest(errors, 3) > 4', { errors: 10n })).toBe(true);
    expect(run('math.abs(entry.delta) < 5', { entry: { delta: -4n } })).toBe(true);
  });

  it('refuses what is not a number, naming the function', () => {
    expect(() => run('math.greatest("a", 1)')).toThrow(/math\.greatest: string is not a number/);
    expect(() => run('math.least([])')).toThrow(/math\.least: no arguments/);
    expect(() => run('math.abs("x")')).toThrow(/no matching overload/);
    expect(() => run('math.abs(-9223372036854775807 - 1)')).toThrow(/overflow/);
  });

  it('type-checks: a comparison on math.* is a bool', () => {
    expect(env.check('math.ceil(1.5) > 1.0').type).toBe('bool');
    expect(env.check('math.nosuch(1) > 1').valid).toBe(false);
  });
});

describe('CEL encoding extension', () => {
  it('encodes bytes to base64 and decodes base64 to bytes', () => {
    expect(run('base64.encode(b"hello")')).toBe('aGVsbG8=');
    expect(run('base64.decode("aGVsbG8=") == b"hello"')).toBe(true);
    expect(run('string(base64.decode("aGVsbG8")) == "hello"')).toBe(true);
  });

  it('refuses text that is not base64', () => {
    expect(() => run('base64.decode("not base64!")')).toThrow(/base64\.decode: not valid base64/);
  });
});
