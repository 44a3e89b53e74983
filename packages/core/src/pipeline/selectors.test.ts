import { newMetric, newLogRecord } from '../model/item.js';
import { compileGlobs } from './glob.js';
import { Selector } from './selectors.js';

describe('globs', () => {
  it('follows Telegraf: *, ?, classes and alternatives, whole-string matches', () => {
    const match = compileGlobs(['cpu*', 'disk?', 'net[0-9]', 'mem_{free,used}', 'exact']);
    expect(['cpu', 'cpu_total', 'disk1', 'net5', 'mem_free', 'mem_used', 'exact'].every(match)).toBe(true);
    expect(['xcpu', 'disk12', 'netx', 'mem_total', 'exactly'].some(match)).toBe(false);
  });
});

describe('selectors', () => {
  const cpu = () => newMetric('cpu', { usage_idle: 1, usage_user: 2, time: 3 }, { cpu: 'cpu0', host: 'a' });

  it('namepass and namedrop choose by name', () => {
    expect(new Selector({ namepass: ['cpu'] }).selects(cpu())).toBe(true);
    expect(new Selector({ namepass: ['mem'] }).selects(cpu())).toBe(false);
    expect(new Selector({ namedrop: ['c*'] }).selects(cpu())).toBe(false);
  });

  it('tagpass needs one matching tag, tagdrop drops on one', () => {
    expect(new Selector({ tagpass: { cpu: ['cpu1', 'cpu0'] } }).selects(cpu())).toBe(true);
    expect(new Selector({ tagpass: { cpu: ['cpu1'] } }).selects(cpu())).toBe(false);
    expect(new Selector({ tagdrop: { host: ['a'] } }).selects(cpu())).toBe(false);
  });

  it('fieldinclude/fieldexclude and taginclude/tagexclude trim the item; no field left means dropped', () => {
    const m = cpu();
    expect(new Selector({ fieldinclude: ['usage_*'], fieldexclude: ['usage_user'], tagexclude: ['host'] }).modify(m)).toBe(true);
    expect(m.fields).toEqual({ usage_idle: 1 });
    expect(m.tags).toEqual({ cpu: 'cpu0' });
    expect(new Selector({ fieldinclude: ['nothing'] }).modify(cpu())).toBe(false);
  });

  it('applies name selectors to log records and leaves their attributes alone', () => {
    const log = newLogRecord({ level: 'info', message: 'x', attributes: { a: 1 } }, 'logs');
    expect(new Selector({ namepass: ['logs'] }).selects(log)).toBe(true);
    expect(new Selector({ fieldinclude: ['none'] }).modify(log)).toBe(true);
    expect(log.attributes).toEqual({ a: 1 });
  });
});
