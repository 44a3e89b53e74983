import { compileSchema } from './validator.js';

// Schemas are compiled without ajv's meta-schema check (a start-up cost): what that check
// would catch must still fail, and every problem of a table must still be reported.
describe('compileSchema', () => {
  test('a schema with a type JSON Schema does not know fails to compile', () => {
    expect(() => compileSchema({ type: 'object', properties: { port: { type: 'integr' } } })).toThrow('type must be JSONType');
  });

  test('every wrong option of a table is reported at once, durations become milliseconds', () => {
    const schema = compileSchema({
      type: 'object',
      properties: { timeout: { duration: true, default: '5s' }, port: { type: 'integer' }, mode: { enum: ['a', 'b'] } },
    });
    expect(schema.validate({ port: 'x', mode: 'c', colour: 1 }).map((e) => e.message)).toEqual([
      'option "colour" is not allowed',
      'option "port" must be an integer, got string "x"',
      'option "mode" must be one of "a", "b", got string "c"',
    ]);
    const options: Record<string, unknown> = { port: 80 };
    expect(schema.validate(options)).toEqual([]);
    expect(options).toEqual({ port: 80, timeout: 5000 });
  });
});
