import { Environment } from '@marcbachmann/cel-js';
import { celConditionProblem, type StatsSnapshot } from '@vigil/core';
import type { ConditionName, Status } from './schema.js';
import type { StatusRules } from './settings.js';

const TIMESTAMP = 'google.protobuf.Timestamp';
const PLUGIN_STATISTICS = 'map<string, list<map<string, dyn>>>';

// The variables Telegraf's heartbeat offers, so conditions carry over unchanged.
const environment = new Environment()
  .registerVariable('metrics', 'int')
  .registerVariable('log_errors', 'int')
  .registerVariable('log_warnings', 'int')
  .registerVariable('last_update', TIMESTAMP)
  .registerVariable('agent', 'map<string, int>')
  .registerVariable('inputs', PLUGIN_STATISTICS)
  .registerVariable('outputs', PLUGIN_STATISTICS)
  .registerFunction(`now(): ${TIMESTAMP}`, () => new Date());

type Program = (variables: Record<string, unknown>) => unknown;

/** Why `expression` is not a usable condition, or undefined when it is. */
export function conditionProblem(expression: string): string | undefined {
  return expression.trim() === '' ? undefined : celConditionProblem(environment, expression);
}

function firstLine(text: string): string {
  return text.split('\n')[0];
}

/** What the status conditions see; counts are since the last successful heartbeat. */
export interface StatusInputs {
  metrics: number;
  logErrors: number;
  logWarnings: number;
  /** Milliseconds since the epoch. */
  lastUpdate: number;
  snapshot: StatsSnapshot;
}

const int = (n: number) => BigInt(Math.trunc(n));

/** CEL has int and double: counters become ints, buffer_fullness stays a double. */
function pluginVariables<T extends { alias: string }>(kind: string, byName: Record<string, T[]>) {
  const out: Record<string, Record<string, unknown>[]> = {};
  for (const [name, entries] of Object.entries(byName)) {
    out[name] = entries.map(({ alias, ...counters }) => {
      const entry: Record<string, unknown> = { id: alias ? `${kind}.${name}::${alias}` : `${kind}.${name}` };
      if (alias) entry.alias = alias;
      for (const [k, v] of Object.entries(counters)) entry[k] = k === 'buffer_fullness' ? v : int(v as number);
      return entry;
    });
  }
  return out;
}

function celVariables(inputs: StatusInputs): Record<string, unknown> {
  const agent: Record<string, bigint> = {};
  for (const [k, v] of Object.entries(inputs.snapshot.agent)) agent[k] = int(v);
  return {
    metrics: int(inputs.metrics),
    log_errors: int(inputs.logErrors),
    log_warnings: int(inputs.logWarnings),
    last_update: new Date(inputs.lastUpdate),
    agent,
    inputs: pluginVariables('inputs', inputs.snapshot.inputs),
    outputs: pluginVariables('outputs', inputs.snapshot.outputs),
  };
}

export interface ConditionFailure {
  condition: ConditionName;
  message: string;
}

export interface StatusDecision {
  status: Status;
  /** Conditions that could not be evaluated; they count as false. */
  failures: ConditionFailure[];
}

/** The compiled status rules: decide() picks the status for one heartbeat. */
export class StatusRulesEngine {
  private readonly programs: { name: ConditionName; run: Program }[] = [];

  constructor(private readonly rules: StatusRules) {
    for (const name of rules.order) {
      const expression = rules.conditions[name];
      if (expression.trim() !== '') this.programs.push({ name, run: environment.parse(expression) as Program });
    }
  }

  decide(inputs: StatusInputs, metricsWritten: boolean): StatusDecision {
    if (!metricsWritten && this.rules.initial) return { status: this.rules.initial, failures: [] };
    const failures: ConditionFailure[] = [];
    const variables = celVariables(inputs);
    for (const { name, run } of this.programs) {
      try {
        const result = run(variables);
        if (result === true) return { status: name.toUpperCase() as Status, failures };
        if (result !== false) failures.push({ condition: name, message: `gave ${typeof result}, not true or false` });
      } catch (err) {
        failures.push({ condition: name, message: firstLine((err as Error).message) });
      }
    }
    return { status: this.rules.fallback, failures };
  }
}
