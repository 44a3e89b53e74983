import { newLogRecord, newMetric } from '@vigil/core';
import { SubjectTemplate, subjectCovers, subjectProblem } from './subject-template.js';

const cpu = newMetric('cpu', { usage_idle: 97.5 }, { host: 'web-01', region: 'eu west' }, 0);

const problemOf = (source: string): string => {
  try {
    SubjectTemplate.parse(source);
    return '';
  } catch (err) {
    return (err as Error).message;
  }
};

describe('subject templates', () => {
  it.each([
    ['telegraf', 'telegraf'],
    ['telegraf.{{ .Name }}', 'telegraf.cpu'],
    ['telegraf.{{ .Tag "host" }}.{{ .Name }}', 'telegraf.web-01.cpu'],
    ['telegraf.{{.GetTag "host"}}.{{.Name}}', 'telegraf.web-01.cpu'],
    ['{{ .Tag `host` }}-{{ .Name }}', 'web-01-cpu'],
    ['telegraf. {{- .Name -}} .x', 'telegraf.cpu.x'],
  ])('%s renders %s', (source, subject) => {
    expect(SubjectTemplate.parse(source).render(cpu)).toBe(subject);
  });

  it('turns what would break a token (dots, spaces, wildcards) into "_", and a missing tag into "_"', () => {
    const template = SubjectTemplate.parse('m.{{ .Tag "region" }}.{{ .Tag "host" }}.{{ .Tag "absent" }}');
    expect(template.render(cpu)).toBe('m.eu_west.web-01._');
    expect(template.render(newMetric('x', { v: 1 }, { region: 'a.b*c>d' }, 0))).toBe('m.a_b_c_d._._');
  });

  it("renders a log record's stream name and tags", () => {
    const record = newLogRecord({ level: 'info', message: 'hi', tags: { host: 'web-02' } }, 'logs');
    expect(SubjectTemplate.parse('logs.{{ .Tag "host" }}.{{ .Name }}').render(record)).toBe('logs.web-02.logs');
  });

  it('knows the pattern every subject it renders matches', () => {
    expect(SubjectTemplate.parse('telegraf.{{ .Tag "host" }}.{{ .Name }}').pattern).toBe('telegraf.*.*');
    expect(SubjectTemplate.parse('t.host-{{ .Tag "host" }}.x').pattern).toBe('t.*.x');
    expect(SubjectTemplate.parse('plain.subject').pattern).toBe('plain.subject');
    expect(SubjectTemplate.parse('plain.subject').isStatic).toBe(true);
  });

  it('refuses what Telegraf templates may hold beyond .Name and .Tag, saying what is supported', () => {
    expect(problemOf('t.{{ .Field }}')).toBe('{{ .Field }} is not supported: the subject template knows {{ .Name }} and {{ .Tag "key" }} (also spelled {{ .GetTag "key" }})');
    expect(problemOf('t.{{ .Name | printf "%s" }}')).toMatch(/^\{\{ \.Name \| printf "%s" \}\} is not supported/);
    expect(problemOf('t.{{ .Tag host }}')).toMatch(/is not supported/);
  });

  it('refuses a template that is not a subject one can publish to', () => {
    expect(problemOf('t.{{ .Name }')).toBe('has "{{" without "}}"');
    expect(problemOf('t.*.{{ .Name }}')).toBe('"t.*.{{ .Name }}" has a wildcard ("*" or ">"), which a message cannot be published to');
    expect(problemOf('t..{{ .Name }}')).toBe('"t..{{ .Name }}" has an empty token (a leading, trailing or doubled ".")');
    expect(problemOf('my subject')).toBe('"my subject" has whitespace');
  });

  it('checks stream subjects, which may hold wildcards', () => {
    expect(subjectProblem('telegraf.>', true)).toBeUndefined();
    expect(subjectProblem('telegraf.*.cpu', true)).toBeUndefined();
    expect(subjectProblem('telegraf.>.cpu', true)).toBe('has ">" before its last token');
    expect(subjectProblem('telegraf.cpu*', true)).toBe('has a wildcard inside a token ("*" and ">" stand alone)');
  });

  it.each([
    ['telegraf.>', 'telegraf.*.*', true],
    ['telegraf.*.*', 'telegraf.*.*', true],
    ['telegraf.*.cpu', 'telegraf.*.*', false],
    ['telegraf.*', 'telegraf.*.*', false],
    ['telegraf', 'telegraf', true],
    ['>', 'a.b', true],
    ['telegraf.>', 'telegraf', false],
    ['a.*', 'a.>', false],
  ])('%s covers %s: %s', (pattern, subject, covers) => {
    expect(subjectCovers(pattern, subject)).toBe(covers);
  });
});
