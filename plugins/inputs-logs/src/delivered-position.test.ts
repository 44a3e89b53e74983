import { DeliveredPosition } from './delivered-position.js';

describe('delivered positions', () => {
  test('the position is the end of the longest run of delivered marks, in the order they were handed on', () => {
    const position = new DeliveredPosition(0, '');
    const a = position.handOn(10, 'a');
    const b = position.handOn(20, 'b');
    const c = position.handOn(30, 'c');
    expect(position.settle(b, true)).toBe(false);
    expect(position).toMatchObject({ offset: 0, check: '' });
    expect(position.settle(a, true)).toBe(true);
    expect(position).toMatchObject({ offset: 20, check: 'b' });
    expect(position.unsettled).toBe(true);
    expect(position.settle(c, true)).toBe(true);
    expect(position).toMatchObject({ offset: 30, check: 'c', unsettled: false });
  });

  test('an undelivered mark stops the position at its start for good, whatever settles after', () => {
    const position = new DeliveredPosition(5, 'start');
    const a = position.handOn(10, 'a');
    const b = position.handOn(20, 'b');
    const c = position.handOn(30, 'c');
    position.settle(b, false);
    position.settle(c, true);
    expect(position.settle(a, true)).toBe(true);
    expect(position).toMatchObject({ offset: 10, check: 'a', heldBack: true });
    position.settle(position.handOn(40, 'd'), true);
    expect(position.reach(0, '')).toBe(false);
    expect(position).toMatchObject({ offset: 10, unsettled: true });
  });

  test('a place reached without records (a truncation restarting at 0) is taken once what was handed on before is delivered', () => {
    const position = new DeliveredPosition(0, '');
    const a = position.handOn(100, 'a');
    expect(position.reach(0, '')).toBe(false);
    const b = position.handOn(8, 'b');
    expect(position.settle(a, true)).toBe(true);
    expect(position).toMatchObject({ offset: 0, check: '' });
    position.settle(b, true);
    expect(position).toMatchObject({ offset: 8, check: 'b', unsettled: false });
  });
});
