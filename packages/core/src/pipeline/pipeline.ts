import type { Item } from '../model/item.js';
import type { RunningProcessor } from './running-processor.js';
import type { RunningOutput } from './running-output.js';

/**
 * Items from every input pass through the processors in order, then fan out to every
 * output. Outputs copy an item before changing it, so one object can be shared safely.
 */
export class Pipeline {
  constructor(
    private readonly processors: RunningProcessor[],
    private readonly outputs: RunningOutput[],
  ) {}

  readonly push = (item: Item): void => {
    this.fromStage(item, 0);
  };

  /** Resolves once every output's buffer is at most half full (see Accumulator.waitForRoom). */
  readonly waitForRoom = async (): Promise<void> => {
    for (const output of this.outputs) await output.waitForRoom();
  };

  private fromStage(item: Item, stage: number): void {
    for (let i = stage; i < this.processors.length; i++) {
      const result = this.processors[i].apply(item);
      if (!result) return;
      if (Array.isArray(result)) {
        for (const r of result) this.fromStage(r, i + 1);
        return;
      }
      item = result;
    }
    const outputs = this.outputs;
    for (let i = 0; i < outputs.length; i++) outputs[i].add(item);
  }
}
