import { cpus } from 'node:os';
import { gatherOnce } from '@vigil/core/testing';
import system, * as definitions from './index.js';

// The one test on the real host: it can only say that every group reads this machine without
// an error and sends its measurements; what the figures must be is in testcases/.
describe('on this host', () => {
  test("inputs.system sends every group's measurement, in one timestamp, without errors", async () => {
    const { metrics, errors } = await gatherOnce(system, { host_info: true });
    expect(errors).toEqual([]);
    expect([...new Set(metrics.map((m) => m.name))].sort()).toEqual(['cpu', 'disk', 'diskio', 'host_info', 'kernel', 'mem', 'net', 'netstat', 'processes', 'swap', 'system']);
    // The first gather already reports usage: one metric per CPU and one for all.
    expect(metrics.filter((m) => m.name === 'cpu' && m.type === 'gauge')).toHaveLength(cpus().length + 1);
    expect(new Set(metrics.filter((m) => m.name !== 'host_info').map((m) => m.timestamp)).size).toBe(1);
  });

  test.each(['cpu', 'mem', 'swap', 'disk', 'diskio', 'net', 'netstat', 'processes', 'kernel'] as const)('inputs.%s sends its measurement', async (name) => {
    const { metrics, errors } = await gatherOnce(definitions[name], {});
    expect(errors).toEqual([]);
    expect([...new Set(metrics.map((m) => m.name))]).toContain(name);
  });
});
