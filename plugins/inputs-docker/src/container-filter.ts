import { compileGlobs, type Matcher } from '@vigil/core';
import type { DockerOptions } from './options.js';

/** Telegraf's include/exclude pair: an empty include list lets everything in. */
function includeExclude(include: string[], exclude: string[]): Matcher {
  const included = include.length > 0 ? compileGlobs(include) : () => true;
  const excluded = exclude.length > 0 ? compileGlobs(exclude) : () => false;
  return (value) => included(value) && !excluded(value);
}

/** Which containers are reported, and which of their labels become tags. */
export class ContainerFilter {
  private readonly name: Matcher;
  private readonly state: Matcher;
  private readonly label: Matcher;

  constructor(o: DockerOptions) {
    this.name = includeExclude(o.container_name_include, o.container_name_exclude);
    this.state = includeExclude(o.container_state_include, o.container_state_exclude);
    this.label = includeExclude(o.docker_label_include, o.docker_label_exclude);
  }

  selects(name: string, state: string): boolean {
    return this.name(name) && this.state(state);
  }

  labelTags(labels: Record<string, string> | undefined): Record<string, string> {
    const tags: Record<string, string> = {};
    for (const [key, value] of Object.entries(labels ?? {})) if (this.label(key)) tags[key] = value;
    return tags;
  }
}

/**
 * The name a container is known by: the first of its names that is not a link alias
 * ("/web" → "web"; "/app/db" is how a legacy link shows "db" inside "app").
 */
export function containerName(names: string[] | undefined): string | undefined {
  for (const raw of names ?? []) {
    const name = raw.replace(/^\//, '');
    if (!name.includes('/')) return name;
  }
  return undefined;
}
