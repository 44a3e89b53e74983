import type { Environment } from '@marcbachmann/cel-js';
import type { UnsignedInt } from '@marcbachmann/cel-js/evaluator';

/**
 * CEL's `math` and `encoding` extensions, as cel-go's `ext.Math()` and `ext.Encoders()` define
 * them, so conditions written for Telegraf (which uses cel-go) carry over:
 *
 *   math.greatest(a, …) / math.least(a, …)   numbers, or one list of numbers (up to 8 arguments)
 *   math.abs, math.sign                        int, uint, double
 *   math.ceil, math.floor, math.round, math.trunc, math.isInf, math.isNaN, math.isFinite   double
 *   math.sqrt                                  int, uint, double → double
 *   math.bitAnd/bitOr/bitXor (int, int | uint, uint), math.bitNot, math.bitShiftLeft/Right (x, int)
 *   base64.encode(bytes) → string, base64.decode(string) → bytes
 *
 * Call it on the Environment a plugin builds, before registering its own variables:
 * `const env = addCelExtensions(new Environment()).registerVariable(...)`. Returns `env`.
 */
export function addCelExtensions(env: Environment): Environment {
  // cel-js reads `math.abs(x)` as the method `abs` of a value `math`: the namespaces are
  // constants of their own types, and every function a method of one.
  env.registerType('math', MathNamespace).registerConstant('math', 'math', new MathNamespace());
  env.registerType('base64', Base64Namespace).registerConstant('base64', 'base64', new Base64Namespace());
  addMathFunctions(env);
  env.registerFunction('base64.encode(bytes): string', (_: unknown, data: Uint8Array) => Buffer.from(data).toString('base64'));
  env.registerFunction('base64.decode(string): bytes', (_: unknown, text: string) => base64Decode(text));
  return env;
}

class MathNamespace {}
class Base64Namespace {}

type CelNumber = bigint | number | UnsignedInt;

const MAX_EXTREME_ARGUMENTS = 8;

function addMathFunctions(env: Environment): void {
  // cel-js refuses overloads that overlap, so greatest/least take dyn and check their arguments.
  for (let count = 1; count <= MAX_EXTREME_ARGUMENTS; count++) {
    const params = Array(count).fill('dyn').join(', ');
    env.registerFunction(`math.greatest(${params}): dyn`, (_: unknown, ...args: unknown[]) => extreme('math.greatest', args, 1));
    env.registerFunction(`math.least(${params}): dyn`, (_: unknown, ...args: unknown[]) => extreme('math.least', args, -1));
  }
  env.registerFunction('math.abs(int): int', (_: unknown, x: bigint) => {
    if (x === INT64_MIN) throw new Error('math.abs: int overflow');
    return x < 0n ? -x : x;
  });
  env.registerFunction('math.abs(uint): uint', (_: unknown, x: UnsignedInt) => x);
  env.registerFunction('math.abs(double): double', (_: unknown, x: number) => Math.abs(x));
  env.registerFunction('math.sign(int): int', (_: unknown, x: bigint) => (x > 0n ? 1n : x < 0n ? -1n : 0n));
  env.registerFunction('math.sign(uint): uint', (_: unknown, x: UnsignedInt) => uint(x, x.valueOf() > 0n ? 1n : 0n));
  env.registerFunction('math.sign(double): double', (_: unknown, x: number) => (Number.isNaN(x) ? x : Math.sign(x)));
  env.registerFunction('math.ceil(double): double', (_: unknown, x: number) => Math.ceil(x));
  env.registerFunction('math.floor(double): double', (_: unknown, x: number) => Math.floor(x));
  // Half away from zero, as Go's math.Round; JavaScript's Math.round rounds -2.5 to -2.
  env.registerFunction('math.round(double): double', (_: unknown, x: number) => Math.sign(x) * Math.round(Math.abs(x)));
  env.registerFunction('math.trunc(double): double', (_: unknown, x: number) => Math.trunc(x));
  env.registerFunction('math.isInf(double): bool', (_: unknown, x: number) => x === Infinity || x === -Infinity);
  env.registerFunction('math.isNaN(double): bool', (_: unknown, x: number) => Number.isNaN(x));
  env.registerFunction('math.isFinite(double): bool', (_: unknown, x: number) => Number.isFinite(x));
  for (const type of ['int', 'uint', 'double']) {
    env.registerFunction(`math.sqrt(${type}): double`, (_: unknown, x: CelNumber) => Math.sqrt(Number(x.valueOf())));
  }
  addBitFunctions(env);
}

const INT64_MIN = -(2n ** 63n);
const UINT64_MASK = 2n ** 64n - 1n;

function addBitFunctions(env: Environment): void {
  const ops = { bitAnd: (a: bigint, b: bigint) => a & b, bitOr: (a: bigint, b: bigint) => a | b, bitXor: (a: bigint, b: bigint) => a ^ b };
  for (const [name, op] of Object.entries(ops)) {
    env.registerFunction(`math.${name}(int, int): int`, (_: unknown, a: bigint, b: bigint) => op(a, b));
    env.registerFunction(`math.${name}(uint, uint): uint`, (_: unknown, a: UnsignedInt, b: UnsignedInt) => uint(a, op(a.valueOf(), b.valueOf())));
  }
  env.registerFunction('math.bitNot(int): int', (_: unknown, a: bigint) => ~a);
  env.registerFunction('math.bitNot(uint): uint', (_: unknown, a: UnsignedInt) => uint(a, ~a.valueOf() & UINT64_MASK));
  // As cel-go: a shift of 64 or more gives 0 (the sign bit for a right shift of an int is not kept).
  const shift = (name: string, by: bigint) => {
    if (by < 0n) throw new Error(`math.${name}: negative offset ${by}`);
    return by;
  };
  env.registerFunction('math.bitShiftLeft(int, int): int', (_: unknown, a: bigint, by: bigint) => (shift('bitShiftLeft', by) > 63n ? 0n : BigInt.asIntN(64, a << by)));
  env.registerFunction('math.bitShiftLeft(uint, int): uint', (_: unknown, a: UnsignedInt, by: bigint) =>
    uint(a, shift('bitShiftLeft', by) > 63n ? 0n : (a.valueOf() << by) & UINT64_MASK),
  );
  env.registerFunction('math.bitShiftRight(int, int): int', (_: unknown, a: bigint, by: bigint) => (shift('bitShiftRight', by) > 63n ? 0n : BigInt.asIntN(64, BigInt.asUintN(64, a) >> by)));
  env.registerFunction('math.bitShiftRight(uint, int): uint', (_: unknown, a: UnsignedInt, by: bigint) => uint(a, shift('bitShiftRight', by) > 63n ? 0n : a.valueOf() >> by));
}

/**
 * A uint of `value`, made with the class of a uint argument: @vigil/core then loads cel-js
 * only when a plugin that evaluates CEL does.
 */
function uint(like: UnsignedInt, value: bigint): UnsignedInt {
  return new (like.constructor as new (value: bigint) => UnsignedInt)(value);
}

/** int (bigint), double (number) or uint (an object whose value is a bigint). */
function isCelNumber(value: unknown): value is CelNumber {
  return typeof value === 'bigint' || typeof value === 'number' || (typeof value === 'object' && value !== null && typeof value.valueOf() === 'bigint');
}

/** The greatest (direction 1) or least (-1) argument, kept with its own type; one list argument is its elements. */
function extreme(name: string, args: unknown[], direction: 1 | -1): CelNumber {
  const values = args.length === 1 && Array.isArray(args[0]) ? (args[0] as unknown[]) : args;
  if (values.length === 0) throw new Error(`${name}: no arguments`);
  let best: CelNumber | undefined;
  for (const value of values) {
    if (!isCelNumber(value)) throw new Error(`${name}: ${typeof value} is not a number`);
    // bigint and number compare by value in JavaScript; uint compares through valueOf().
    if (best === undefined || (direction === 1 ? value.valueOf() > best.valueOf() : value.valueOf() < best.valueOf())) best = value;
  }
  return best!;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Padded or not, as cel-go; anything else is an error rather than Node's silent skipping. */
function base64Decode(text: string): Uint8Array {
  if (!BASE64.test(text) || text.replace(/=+$/, '').length % 4 === 1) throw new Error('base64.decode: not valid base64');
  return new Uint8Array(Buffer.from(text, 'base64'));
}

/**
 * Why `expression` cannot be a true-or-false condition in `env`, in one line, or undefined when
 * it can: the check every CEL option (heartbeat status, processors.filter, ingest rules) runs at
 * config time, so a mistake is reported with its option's line.
 */
export function celConditionProblem(env: Environment, expression: string): string | undefined {
  const firstLine = (text: string) => text.split('\n')[0];
  let checked;
  try {
    checked = env.check(expression);
  } catch (err) {
    return firstLine((err as Error).message);
  }
  if (!checked.valid) return firstLine(checked.error?.message ?? 'invalid expression');
  if (checked.type !== 'bool' && checked.type !== 'dyn') return `it must be true or false, but gives ${checked.type}`;
  return undefined;
}
