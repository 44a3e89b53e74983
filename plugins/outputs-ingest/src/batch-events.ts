import type { Item } from '@vigil/core';
import { EventRules, type EventRule } from './event-rules.js';
import { eventId } from './event-ids.js';
import { itemData, itemEvent, unmatchedEvent, type IngestEvent } from './events.js';
import { patchCompliance } from './patch-compliance.js';
import { ServiceTracker, type ServiceChange, type ServiceStates } from './service-changes.js';

export interface BatchEventSettings {
  rules: EventRule[];
  hostname: string;
  /** Read at every batch: the policy may change them. */
  sendUnmatched: () => boolean;
  tlsWarnDays: () => number;
  onRuleError: (message: string) => void;
}

/**
 * Turns the items of a batch into the contract's events. Per item: the first rule that holds
 * claims it; else an inputs.updates sample is a PatchCompliance; else it is a Metric or Log
 * event (with `send_unmatched`). Independently, inputs.http and inputs.docker samples that change
 * a service's condition add a ServiceDegraded.
 */
export class BatchEvents {
  private readonly rules: EventRules;
  /**
   * Items that made no event at all (no rule claimed them, `send_unmatched` is off and they
   * changed no service's condition), since the last time they were counted.
   */
  leftOut = 0;

  constructor(private readonly settings: BatchEventSettings) {
    this.rules = new EventRules(settings.rules, settings.onRuleError);
  }

  /**
   * `itemIds[i]` is the stable id of `items[i]`: event ids are made from it. `services` are the
   * services' conditions before this batch; they are changed to those after it.
   */
  make(items: Item[], itemIds: string[], services: ServiceStates): IngestEvent[] {
    const { hostname } = this.settings;
    const tracker = new ServiceTracker(services, this.settings.tlsWarnDays);
    const events: IngestEvent[] = [];
    items.forEach((item, i) => {
      const itemId = itemIds[i] ?? `${i}`;
      const before = events.length;
      const match = this.rules.match(item);
      if (match) events.push(itemEvent(item, itemId, hostname, { type: match.rule.type, severity: match.rule.severity, data: itemData(item) }));
      else if (item.kind === 'metric' && item.name === 'updates') events.push(itemEvent(item, itemId, hostname, patchCompliance(item)));
      else if (this.settings.sendUnmatched()) events.push(unmatchedEvent(item, itemId, hostname));
      for (const change of tracker.observe(item)) events.push(this.serviceEvent(tracker, item, itemId, change));
      if (events.length === before) this.leftOut++;
    });
    return events;
  }

  private serviceEvent(tracker: ServiceTracker, item: Item, itemId: string, change: ServiceChange): IngestEvent {
    const type = 'ServiceDegraded';
    const id = eventId(`${itemId}:${change.key}`, type);
    if (change.condition !== 'ok') tracker.openIncident(change, id);
    const event = itemEvent(item, `${itemId}:${change.key}`, this.settings.hostname, {
      type,
      severity: change.severity,
      correlationId: change.incident ?? id,
      data: {
        service: change.service,
        check: change.check,
        state: change.condition === 'ok' ? 'recovered' : 'degraded',
        condition: change.condition,
        previous: change.previous,
        ...change.details,
      },
    });
    return event;
  }
}
