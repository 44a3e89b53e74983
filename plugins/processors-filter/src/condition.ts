import { environment } from './item-variables.js';

export type Condition = (variables: Record<string, unknown>) => unknown;

const firstLine = (text: string) => text.split('\n')[0];

/** Why `expression` cannot be a condition, or undefined when it can. */
export function conditionProblem(expression: string): string | undefined {
  let checked;
  try {
    checked = environment.check(expression);
  } catch (err) {
    return firstLine((err as Error).message);
  }
  if (!checked.valid) return firstLine(checked.error?.message ?? 'invalid expression');
  if (checked.type !== 'bool' && checked.type !== 'dyn') return `it must give true or false, but gives ${checked.type}`;
  return undefined;
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
