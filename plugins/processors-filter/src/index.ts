import { defineProcessor, DropSummary, readSample, type OptionProblem } from '@vigil/core';
import { compileCondition, conditionProblem, evaluate } from './condition.js';
import { itemVariables } from './item-variables.js';

interface FilterOptions {
  pass: string;
  drop: string;
}

function check(options: FilterOptions): OptionProblem[] {
  const problems: OptionProblem[] = [];
  for (const option of ['pass', 'drop'] as const) {
    const problem = options[option] === '' ? undefined : conditionProblem(options[option]);
    if (problem) problems.push({ option, message: `option "${option}": ${problem}` });
  }
  if (options.pass === '' && options.drop === '') problems.push({ message: 'set "pass", "drop" or both to a condition' });
  return problems;
}

export default defineProcessor<FilterOptions>({
  name: 'filter',
  description: 'Keeps or drops items by a CEL condition',
  sample: readSample(import.meta.url),
  schema: {
    type: 'object',
    properties: {
      pass: { type: 'string', default: '', description: 'CEL condition an item must meet to be kept.' },
      drop: { type: 'string', default: '', description: 'CEL condition that drops an item it is true for.' },
    },
  },
  check,
  create({ options, log }) {
    const pass = options.pass === '' ? undefined : compileCondition(options.pass);
    const drop = options.drop === '' ? undefined : compileCondition(options.drop);
    const drops = new DropSummary(log);
    const failures = new Set<string>();
    // Each distinct failure is logged once; the drops it causes are in the summary.
    const failed = (option: string, reason: string) => {
      const line = `option "${option}" could not be evaluated: ${reason}; it counts as false`;
      if (failures.size < 100 && !failures.has(line)) {
        failures.add(line);
        log.warn(line);
      }
    };
    return {
      process(item) {
        const variables = itemVariables(item);
        if (pass) {
          const kept = evaluate(pass, variables);
          if (typeof kept === 'string') failed('pass', kept);
          if (kept !== true) {
            drops.count(typeof kept === 'string' ? 'whose pass condition failed' : 'not meeting the pass condition');
            return null;
          }
        }
        if (drop) {
          const dropped = evaluate(drop, variables);
          if (typeof dropped === 'string') failed('drop', dropped);
          if (dropped === true) {
            drops.count('meeting the drop condition');
            return null;
          }
        }
        return item;
      },
      close() {
        drops.flush();
      },
    };
  },
});
