import { runTestcase, testcaseNames } from './test-fixtures.js';

// Each folder of testcases/ is a fake host (its /proc, /sys and /run files, statfs results)
// and the metrics a Telegraf user would see from it, worked out by hand from those files.
describe('testcases: a fake host and what it reports', () => {
  test.each(testcaseNames())('%s', async (name) => {
    const { actual, expected } = await runTestcase(name);
    expect(actual).toEqual(expected);
  });
});
