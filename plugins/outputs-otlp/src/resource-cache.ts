import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import type { Tags } from '@vigil/core';

/** Distinct resources kept before the cache starts over; each batch rebuilds what it needs. */
const MAX_RESOURCES = 1000;

/**
 * One Resource object per distinct set of attributes: the agent's own, plus whatever resource
 * tags a metric or record carries. The serializers group log records by the identity of their
 * resource, and so do the metric groups here, so the same attributes must give the same object.
 */
export class ResourceCache {
  private readonly resources = new Map<string, Resource>();
  readonly agent: Resource;

  constructor(private readonly agentAttributes: Record<string, string>) {
    this.agent = resourceFromAttributes(agentAttributes);
  }

  /** The resource for these resource tags ({} for the agent's own) and a key that identifies it. */
  resourceFor(resourceTags: Tags): { key: string; resource: Resource } {
    const names = Object.keys(resourceTags);
    if (names.length === 0) return { key: '', resource: this.agent };
    const key = JSON.stringify(names.sort().map((n) => [n, resourceTags[n]]));
    let resource = this.resources.get(key);
    if (!resource) {
      if (this.resources.size >= MAX_RESOURCES) this.resources.clear();
      // A tag wins over the agent's attribute of the same name: a metric about another host keeps its host.name.
      resource = resourceFromAttributes({ ...this.agentAttributes, ...resourceTags });
      this.resources.set(key, resource);
    }
    return { key, resource };
  }
}
