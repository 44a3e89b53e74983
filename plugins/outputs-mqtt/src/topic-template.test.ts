import { newLogRecord, newMetric } from '@vigil/core';
import { layoutMessages } from './message-layout.js';
import { TopicTemplate } from './topic-template.js';

const values = { hostname: 'agent-01', topicPrefix: 'telegraf' };
const cpu = newMetric('cpu', { usage_idle: 97.5 }, { cpu: 'cpu0', dc: 'eu-1' }, 1763881200000);
const tagged = newMetric('cpu', { usage_idle: 97.5 }, { cpu: 'cpu0', dc: 'eu-1', host: 'web-01' }, 1763881200000);

describe('outputs.mqtt topic templates', () => {
  it.each([
    ['vigil/{{ .Hostname }}/{{ .PluginName }}', 'vigil/web-01/cpu'],
    ['{{.Hostname}}/{{.Name}}', 'web-01/cpu'],
    ['{{ .TopicPrefix }}/{{ .Hostname }}/{{ .PluginName }}', 'telegraf/web-01/cpu'],
    ['m/{{ .Tag "dc" }}/{{ .Tag `cpu` }}', 'm/eu-1/cpu0'],
    ['m/{{ .Tag "missing" }}/{{ .PluginName }}', 'm/cpu'],
    ['/m//{{ .PluginName }}/', '/m/cpu'],
    ['{{ .Tag "missing" }}', 'cpu'],
  ])('%s → %s', (template, topic) => {
    expect(new TopicTemplate(template, values).render(tagged)).toBe(topic);
  });

  it("an item's {{ .Hostname }} is its host tag, as in Telegraf: without one, the level is left out", () => {
    expect(new TopicTemplate('vigil/{{ .Hostname }}/{{ .PluginName }}', values).render(cpu)).toBe('vigil/cpu');
  });

  it("the agent's own topics (online, will) take the agent's host name", () => {
    expect(new TopicTemplate('fleet/{{ .Hostname }}/status', values, ['Hostname', 'TopicPrefix']).render()).toBe('fleet/agent-01/status');
  });

  it('a wildcard or NUL in a name or tag value becomes "_"; a "/" adds a level, as in Telegraf', () => {
    const odd = newMetric('a+b', { x: 1 }, { path: 'var/log', q: '#1\u0000' });
    expect(new TopicTemplate('m/{{ .PluginName }}/{{ .Tag "path" }}/{{ .Tag "q" }}', values).render(odd)).toBe('m/a_b/var/log/_1_');
  });

  it('a log record is named by its stream', () => {
    const record = newLogRecord({ level: 'info', message: 'hi', tags: { host: 'web-02' } }, 'logs');
    expect(new TopicTemplate('{{ .Hostname }}/{{ .PluginName }}', values).render(record)).toBe('web-02/logs');
  });
});

describe('outputs.mqtt layouts', () => {
  const topicOf = () => 't';

  it('an item with nothing to write in line protocol (only non-finite floats) is left out; in JSON it is sent', () => {
    const empty = newMetric('bad', { x: NaN }, {}, 0);
    expect(layoutMessages([empty, cpu], 'non-batch', 'influx', topicOf)).toEqual([{ topic: 't', payload: 'cpu,cpu=cpu0,dc=eu-1 usage_idle=97.5 1763881200000000000\n' }]);
    expect(layoutMessages([empty], 'batch', 'influx', topicOf)).toEqual([]);
    expect(layoutMessages([empty], 'non-batch', 'json', topicOf)).toHaveLength(1);
  });

  it('"field" leaves out non-finite floats, and a field name with a wildcard gets "_"', () => {
    const metric = newMetric('m', { 'a+b': 1n, c: Infinity, d: 'text' }, {}, 0);
    expect(layoutMessages([metric], 'field', 'influx', topicOf)).toEqual([
      { topic: 't/a_b', payload: '1' },
      { topic: 't/d', payload: 'text' },
    ]);
  });

  it('"field" gives a log record its level, message, source and attributes', () => {
    const record = newLogRecord({ level: 'warn', message: 'slow', attributes: { ms: 812 } }, 'logs');
    expect(layoutMessages([record], 'field', 'influx', topicOf)).toEqual([
      { topic: 't/level', payload: 'warn' },
      { topic: 't/message', payload: 'slow' },
      { topic: 't/ms', payload: '812' },
    ]);
  });
});

describe("outputs.mqtt: the README's layout examples", () => {
  const at = Date.UTC(2025, 10, 23, 7, 0, 0);
  const batch = [
    newMetric('cpu', { usage_idle: 97.5, usage_user: 1.25 }, { cpu: 'cpu0', host: 'web-01' }, at),
    newMetric('cpu', { usage_idle: 88 }, { cpu: 'cpu1', host: 'web-01' }, at),
    newLogRecord({ level: 'error', message: 'disk full', source: '/var/log/app.log', tags: { host: 'web-01' }, timestamp: at }, 'logs'),
  ];
  const template = new TopicTemplate('vigil/{{ .Hostname }}/{{ .PluginName }}', { hostname: 'agent', topicPrefix: '' });
  const topicOf = template.render.bind(template);
  const CPU0 = 'cpu,cpu=cpu0,host=web-01 usage_idle=97.5,usage_user=1.25 1763881200000000000\n';
  const CPU1 = 'cpu,cpu=cpu1,host=web-01 usage_idle=88 1763881200000000000\n';
  const LOG = 'logs,host=web-01 level="error",message="disk full",source="/var/log/app.log" 1763881200000000000\n';

  it('non-batch, influx and json', () => {
    expect(layoutMessages(batch, 'non-batch', 'influx', topicOf)).toEqual([
      { topic: 'vigil/web-01/cpu', payload: CPU0 },
      { topic: 'vigil/web-01/cpu', payload: CPU1 },
      { topic: 'vigil/web-01/logs', payload: LOG },
    ]);
    expect(layoutMessages(batch, 'non-batch', 'json', topicOf)[0]).toEqual({
      topic: 'vigil/web-01/cpu',
      payload: '{"type":"metric","name":"cpu","tags":{"cpu":"cpu0","host":"web-01"},"fields":{"usage_idle":97.5,"usage_user":1.25},"timestamp":"2025-11-23T07:00:00.000Z"}',
    });
  });

  it('batch', () => {
    expect(layoutMessages(batch, 'batch', 'influx', topicOf)).toEqual([
      { topic: 'vigil/web-01/cpu', payload: CPU0 + CPU1 },
      { topic: 'vigil/web-01/logs', payload: LOG },
    ]);
  });

  it('field', () => {
    expect(layoutMessages(batch, 'field', 'influx', topicOf).map((m) => `${m.topic} ${m.payload}`)).toEqual([
      'vigil/web-01/cpu/usage_idle 97.5',
      'vigil/web-01/cpu/usage_user 1.25',
      'vigil/web-01/cpu/usage_idle 88',
      'vigil/web-01/logs/level error',
      'vigil/web-01/logs/message disk full',
      'vigil/web-01/logs/source /var/log/app.log',
    ]);
  });
});
