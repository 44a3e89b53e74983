import { RetrySchedule } from './retry-schedule.js';

describe('retry schedule', () => {
  it('waits a random share of a delay that doubles per failure up to 60 s (full jitter)', () => {
    const atTop = new RetrySchedule(() => 0.999999);
    expect([1, 2, 3, 4, 5, 6, 7, 8].map(() => atTop.fail())).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000]);
    const atHalf = new RetrySchedule(() => 0.5);
    expect([atHalf.fail(), atHalf.fail(), atHalf.fail()]).toEqual([500, 1000, 2000]);
  });

  it('never retries at once, even when the random share is nothing', () => {
    expect(new RetrySchedule(() => 0).fail()).toBe(50);
  });

  it("waits exactly what a server's Retry-After asked, and starts again after a success", () => {
    const schedule = new RetrySchedule(() => 0.5);
    expect(schedule.fail(7000)).toBe(7000);
    expect(schedule.due()).toBe(false);
    schedule.succeed();
    expect(schedule.due()).toBe(true);
    expect(schedule.fail()).toBe(500);
  });
});
