import { Environment } from '@marcbachmann/cel-js';
import { celConditionProblem, type Item, type OptionProblem } from '@vigil/core';
import type { Severity } from './options.js';

export interface EventRule {
  type: string;
  when: string;
  severity: Severity;
}

/**
 * What a rule sees of an item. A metric has level, message and source "" and attributes {};
 * a log record has fields {}: one expression can test either kind without an error.
 */
const environment = new Environment()
  .registerVariable('kind', 'string')
  .registerVariable('name', 'string')
  .registerVariable('tags', 'map<string, string>')
  .registerVariable('fields', 'map<string, dyn>')
  .registerVariable('level', 'string')
  .registerVariable('message', 'string')
  .registerVariable('source', 'string')
  .registerVariable('attributes', 'map<string, dyn>')
  .registerVariable('timestamp', 'int');

type Program = (variables: Record<string, unknown>) => unknown;

function firstLine(text: string): string {
  return text.split('\n')[0];
}


/** One problem per rule whose `when` does not compile, pointed at its line (`events.<i>.when`). */
export function ruleProblems(rules: EventRule[]): OptionProblem[] {
  const problems: OptionProblem[] = [];
  rules.forEach((rule, i) => {
    const problem = celConditionProblem(environment, rule.when);
    if (problem) problems.push({ option: `events.${i}.when`, message: `events[${i}] (${rule.type}): "when" does not compile: ${problem}` });
  });
  return problems;
}

const NONE = Object.freeze({});

/** Plain literals of one shape: this runs for every item of every batch. */
function celVariables(item: Item): Record<string, unknown> {
  const timestamp = BigInt(Math.trunc(item.timestamp));
  if (item.kind === 'metric') return { kind: 'metric', name: item.name, tags: item.tags, timestamp, fields: item.fields, level: '', message: '', source: '', attributes: NONE };
  return { kind: 'log', name: item.name, tags: item.tags, timestamp, fields: NONE, level: item.level, message: item.message, source: item.source, attributes: item.attributes };
}

export interface RuleMatch {
  rule: EventRule;
  index: number;
}

/** The compiled rules, tried in order. */
export class EventRules {
  private readonly programs: { rule: EventRule; run: Program }[];
  /** Rules that failed on an item, said once each. */
  private readonly failing = new Set<number>();

  constructor(
    rules: EventRule[],
    private readonly onError: (message: string) => void,
  ) {
    this.programs = rules.map((rule) => ({ rule, run: environment.parse(rule.when) as Program }));
  }

  /** The first rule whose `when` is true for the item; an evaluation error counts as false. */
  match(item: Item): RuleMatch | undefined {
    if (this.programs.length === 0) return undefined;
    const variables = celVariables(item);
    for (let index = 0; index < this.programs.length; index++) {
      const { rule, run } = this.programs[index];
      try {
        if (run(variables) === true) return { rule, index };
      } catch (err) {
        if (!this.failing.has(index)) {
          this.failing.add(index);
          this.onError(`events[${index}] (${rule.type}) failed on a ${item.kind} "${item.name}": ${firstLine((err as Error).message)}; it counts as false (said once)`);
        }
      }
    }
    return undefined;
  }
}
