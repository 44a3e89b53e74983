import { FIRST_RECONNECT_WAIT_MS, MAX_RECONNECT_WAIT_MS, ReconnectDelay } from './reconnect-delay.js';

describe('the wait between reconnect tries', () => {
  it('doubles with each failed try up to its cap, and starts over once a try succeeds', () => {
    const noJitter = new ReconnectDelay(() => 0);
    const waits = [];
    for (let i = 0; i < 8; i++) {
      noJitter.tried();
      waits.push(noJitter.nextWaitMs());
    }
    expect(FIRST_RECONNECT_WAIT_MS).toBe(250);
    expect(waits).toEqual([250, 500, 1000, 2000, 4000, 5000, 5000, 5000]);
    expect(MAX_RECONNECT_WAIT_MS).toBe(5000);
    noJitter.reconnected();
    noJitter.tried();
    expect(noJitter.nextWaitMs()).toBe(250);
  });

  it('adds up to half as much again at random, so agents that lost one broker spread out', () => {
    const fullJitter = new ReconnectDelay(() => 1);
    fullJitter.tried();
    fullJitter.tried();
    expect(fullJitter.nextWaitMs()).toBe(750);
  });
});
