import type { Item } from '../model/item.js';
import type { ItemSource } from './delivery.js';
import type { RunningProcessor } from './running-processor.js';
import type { RunningOutput } from './running-output.js';

/**
 * Items from every input pass through the processors in order, then fan out to every
 * output. Outputs copy an item before changing it, so one object can be shared safely.
 * Whatever a processor makes of an item keeps the item's source, so delivery tracking follows it.
 */
export class Pipeline {
  /** `capture`, when given, takes every item leaving the processors instead of the outputs (`vigil test`). */
  constructor(
    private readonly processors: RunningProcessor[],
    private readonly outputs: RunningOutput[],
    private readonly capture?: (item: Item) => void,
  ) {}

  readonly push = (item: Item, source: ItemSource): void => {
    this.fromStage(item, 0, source);
  };

  /** Resolves once no output this input feeds is full and blocking (see Accumulator.waitForRoom). */
  readonly waitForRoom = async (inputId: string): Promise<void> => {
    for (const output of this.outputs) await output.waitForRoom(inputId);
  };

  /** Whether some output this input feeds is full and blocking now. */
  readonly isBlocked = (inputId: string): boolean => this.outputs.some((o) => o.blocks(inputId));

  private fromStage(item: Item, stage: number, source: ItemSource): void {
    for (let i = stage; i < this.processors.length; i++) {
      const result = this.processors[i].apply(item);
      if (!result) return;
      if (Array.isArray(result)) {
        for (const r of result) this.fromStage(r, i + 1, source);
        return;
      }
      item = result;
    }
    if (this.capture) return this.capture(item);
    const outputs = this.outputs;
    for (let i = 0; i < outputs.length; i++) outputs[i].add(item, source);
  }
}
