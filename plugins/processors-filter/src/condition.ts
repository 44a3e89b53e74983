import { celConditionProblem } from '@vigil/core';
import { environment } from './item-variables.js';

export type Condition = (variables: Record<string, unknown>) => unknown;

const firstLine = (text: string) => text.split('\n')[0];

/** Why `expression` cannot be a condition, or undefined when it can. */
export function conditionProblem(expression: string): string | undefined {
  return celConditionProblem(environment, expression);
}

export function compileCondition(expression: string): Condition {
  return environment.parse(expression) as Condition;
}

/** The condition's answer; an error (a missing key) or a non-boolean result is reported, not thrown. */
export function evaluate(condition: Condition, variables: Record<string, unknown>): boolean | string {
  try {
    const result = condition(variables);
    return typeof result === 'boolean' ? result : `gave ${typeof result}, not true or false`;
  } catch (err) {
    return firstLine((err as Error).message);
  }
}
