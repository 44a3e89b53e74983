import { describeEngineError } from './engine-errors.js';

/**
 * Failures of single requests within a gather that otherwise worked (a container's stats, the
 * events), reported as one error per gather however many containers they touch.
 */
export class GatherProblems {
  private readonly failures: { subject: string; error: unknown }[] = [];

  add(subject: string, error: unknown): void {
    this.failures.push({ subject, error });
  }

  /** The one line for this gather, or undefined when nothing failed. */
  summary(endpoint: string, timeoutMs: number): string | undefined {
    if (this.failures.length === 0) return undefined;
    const first = describeEngineError(this.failures[0].error, endpoint, timeoutMs);
    if (this.failures.length === 1) return `could not read ${this.failures[0].subject}: ${first}`;
    const names = this.failures.map((f) => f.subject);
    const shown = names.length > 5 ? `${names.slice(0, 5).join(', ')} …` : names.join(', ');
    return `${names.length} reads failed (${shown}); the first, ${names[0]}: ${first}`;
  }
}
