import type { Item } from '@vigil/core';

/**
 * The forms of Telegraf's Go-template topics that vigil understands. Telegraf runs a full Go
 * template (with Sprig functions) over the metric; a topic needs only these, and anything else
 * is refused when the configuration is checked rather than published under a wrong topic.
 * `.Name` is `.PluginName`, as in Telegraf.
 */
export type TopicField = 'Hostname' | 'PluginName' | 'TopicPrefix';
type TopicPart = { literal: string } | { field: TopicField } | { tag: string };

/** The fields a topic that belongs to the agent, not to an item (the will, the online message), may use. */
export const AGENT_FIELDS: readonly TopicField[] = ['Hostname', 'TopicPrefix'];
const ALL_FIELDS: readonly TopicField[] = ['Hostname', 'PluginName', 'TopicPrefix'];

const ACTION = /\{\{(.*?)\}\}/gs;
const FIELD_ACTION = /^\.(Hostname|PluginName|Name|TopicPrefix)$/;
const TAG_ACTION = /^\.Tag\s+(?:"((?:[^"\\]|\\.)*)"|`([^`]*)`)$/s;
/** Wildcards and NUL have no place in a topic name; a broker refuses (or disconnects) a publish with them. */
const NOT_IN_TOPICS = /[+#\u0000]/g;

function supportedForms(fields: readonly string[]): string {
  const forms = fields.map((f) => (f === 'PluginName' ? '{{ .PluginName }} (or {{ .Name }})' : `{{ .${f} }}`));
  if (fields.includes('PluginName')) forms.splice(2, 0, '{{ .Tag "key" }}');
  return forms.slice(0, -1).join(', ') + ' and ' + forms[forms.length - 1];
}

/** The parts of a topic template; throws a message saying what is wrong and what is supported. */
export function parseTopicTemplate(template: string, fields: readonly TopicField[] = ALL_FIELDS): TopicPart[] {
  const parts: TopicPart[] = [];
  const addLiteral = (text: string) => {
    if (text.includes('{{')) throw new Error(`${JSON.stringify(template)} has a "{{" that is never closed`);
    const wildcard = text.match(NOT_IN_TOPICS);
    if (wildcard) throw new Error(`${JSON.stringify(template)} holds ${JSON.stringify(wildcard[0])}, which a topic name cannot (it is an MQTT wildcard)`);
    if (text) parts.push({ literal: text });
  };
  let at = 0;
  for (const match of template.matchAll(ACTION)) {
    addLiteral(template.slice(at, match.index));
    at = match.index + match[0].length;
    const action = match[1].trim();
    const field = FIELD_ACTION.exec(action)?.[1].replace(/^Name$/, 'PluginName') as TopicField | undefined;
    const tag = TAG_ACTION.exec(action);
    if (field && fields.includes(field)) parts.push({ field });
    else if (tag && fields.includes('PluginName')) parts.push({ tag: tag[2] ?? (JSON.parse(`"${tag[1]}"`) as string) });
    else throw new Error(`${match[0]} is not supported here; use ${supportedForms(fields)}`);
  }
  addLiteral(template.slice(at));
  return parts;
}

export interface TopicValues {
  /** The agent's host name, for topics that belong to the agent (no item). */
  hostname: string;
  topicPrefix: string;
}

/**
 * A compiled topic template. As in current Telegraf, `{{ .Hostname }}` of an item is
 * its `host` tag; empty levels are left out (a missing tag drops its level) but a leading "/"
 * is kept; and a topic left empty is the item's name. "+", "#" and NUL in a name or tag value
 * become "_"; a "/" in one adds a level, as it does in Telegraf.
 */
export class TopicTemplate {
  private readonly parts: TopicPart[];
  /** The rendered topic when no part depends on the item. */
  private readonly fixed?: string;

  constructor(
    template: string,
    private readonly values: TopicValues,
    fields: readonly TopicField[] = ALL_FIELDS,
  ) {
    this.parts = parseTopicTemplate(template, fields);
    if (this.parts.every((p) => 'literal' in p || ('field' in p && p.field === 'TopicPrefix'))) this.fixed = this.assemble(undefined);
  }

  /** The topic of `item`; without one, of the agent (`{{ .Hostname }}` is then its host name). */
  render(item?: Item): string {
    return this.fixed ?? this.assemble(item);
  }

  private assemble(item: Item | undefined): string {
    let text = '';
    for (const part of this.parts) {
      if ('literal' in part) text += part.literal;
      else if ('tag' in part) text += clean(item?.tags[part.tag] ?? '');
      else if (part.field === 'Hostname') text += clean(item ? (item.tags.host ?? '') : this.values.hostname);
      else if (part.field === 'TopicPrefix') text += clean(this.values.topicPrefix);
      else text += clean(item?.name ?? '');
    }
    const topic = collapseLevels(text);
    if (topic === '' || topic === '/') return item ? collapseLevels(clean(item.name)) : '';
    return topic;
  }
}

function clean(value: string): string {
  return value.replace(NOT_IN_TOPICS, '_');
}

function collapseLevels(topic: string): string {
  if (!topic.includes('//') && !topic.endsWith('/')) return topic;
  const levels = topic.split('/').filter((level) => level !== '');
  return (topic.startsWith('/') ? '/' : '') + levels.join('/');
}
