import { gatherOnce, checkOptions } from '@vigil/core/testing';
import { exampleInput } from './index.js';

describe('inputs.example', () => {
  it('emits the configured greeting and the starting count as an integer', async () => {
    const { metrics, errors } = await gatherOnce(exampleInput, { greeting: 'hi', start: 5 });
    expect(errors).toEqual([]);
    expect(metrics).toHaveLength(1);
    expect(metrics[0]).toMatchObject({ name: 'example', fields: { greeting: 'hi', count: 5n } });
  });

  it('refuses a negative start with the option named', () => {
    expect(() => checkOptions(exampleInput, { start: -1 })).toThrow('option "start" must be 0 or more');
  });
});
