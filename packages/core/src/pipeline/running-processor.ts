import type { Item } from '../model/item.js';
import type { ProcessorPlugin } from '../sdk/plugin.js';
import type { PluginConfig } from '../config/model.js';
import { Selector } from './selectors.js';

/** A processor with its selectors: items it doesn't select pass by unchanged. */
export class RunningProcessor {
  private readonly selector: Selector;

  constructor(
    readonly config: PluginConfig,
    readonly plugin: ProcessorPlugin,
  ) {
    this.selector = new Selector(config.common);
  }

  get id(): string {
    return this.config.id;
  }

  /** Returns the items to pass on: one, several, or none. */
  apply(item: Item): Item | Item[] | null | undefined {
    if (!this.selector.isEmpty) {
      if (!this.selector.selects(item)) return item;
      if (this.selector.modifies && !this.selector.modify(item)) return null;
    }
    return this.plugin.process(item);
  }
}
