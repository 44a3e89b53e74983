// Renders a plugin's option schema as the README's option tables: one table for the block's own
// options, then one sub-table per nested table ([x.y]) or array of tables ([[x.y]]).

/** TOML text of a default value, as a user would write it. */
export function tomlValue(value) {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(tomlValue).join(', ')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 0) return '{}';
    return `{ ${entries.map(([k, v]) => `${tomlKey(k)} = ${tomlValue(v)}`).join(', ')} }`;
  }
  return String(value);
}

function tomlKey(key) {
  return /^[A-Za-z0-9_-]+$/.test(key) ? key : JSON.stringify(key);
}

const PLURAL = { string: 'strings', integer: 'integers', number: 'numbers', boolean: 'booleans', table: 'tables', duration: 'durations', size: 'sizes' };

/** "a", "a or b", "a, b or c". */
function either(names) {
  return names.length > 1 ? `${names.slice(0, -1).join(', ')} or ${names.at(-1)}` : names[0];
}

/** The type of a value as a list of alternatives: ["integer", "array of integers"]. */
function typeNames(schema) {
  if (schema.duration) return ['duration'];
  if (schema.size) return ['size'];
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) return alternatives.flatMap(typeNames);
  if (schema.enum && !schema.type) return [typeof schema.enum[0] === 'number' ? 'integer' : 'string'];
  if (Array.isArray(schema.type)) return schema.type.flatMap((type) => typeNames({ ...schema, type }));
  const plural = (inner) => either(typeNames(inner).map((name) => PLURAL[name] ?? `${name} values`));
  if (schema.type === 'array') return [`array of ${schema.items ? plural(schema.items) : 'values'}`];
  if (schema.type === 'object' || (!schema.type && (schema.properties || schema.additionalProperties))) {
    const values = schema.additionalProperties;
    return [!schema.properties && values && typeof values === 'object' ? `table of ${plural(values)}` : 'table'];
  }
  return [schema.type ?? 'value'];
}

/** The type column: "duration", "array of strings", "table of strings", "integer or array of integers" … */
export function typeName(schema) {
  return either(typeNames(schema));
}

/** The nested table a property opens, if any: { array: true|false, properties, required }. */
export function nestedTable(schema) {
  if (schema.type === 'array' && schema.items?.properties) return { array: true, schema: schema.items };
  if (schema.properties) return { array: false, schema };
  return undefined;
}

function isEmpty(value) {
  return value === undefined || value === '' || (typeof value === 'object' && value !== null && Object.keys(value).length === 0);
}

function defaultCell(name, schema, required) {
  // A secret's default is shown only when it is empty: an empty value reveals nothing.
  if (schema.secret && !isEmpty(schema.default)) return '(secret)';
  if (schema.default !== undefined) return `\`${tomlValue(schema.default)}\``;
  return required.includes(name) ? 'required' : 'not set';
}

function descriptionCell(schema) {
  let text = `${schema.deprecated ? 'Deprecated. ' : ''}${schema.description ?? ''}`;
  const named = (value) => text.includes(JSON.stringify(value));
  if (schema.enum && schema.enum.length > 1 && !schema.enum.every(named)) text += ` One of ${schema.enum.map((v) => `\`${tomlValue(v)}\``).join(', ')}.`;
  return text.trim().replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function table(properties, required) {
  const rows = Object.entries(properties).map(
    ([name, schema]) => `| \`${name}\` | ${typeName(schema)} | ${defaultCell(name, schema, required)} | ${descriptionCell(schema)} |`,
  );
  return ['| option | type | default | description |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

/**
 * The markdown between a README's option markers. `shared` names properties described once
 * elsewhere (the HTTP client options): they get one line instead of rows.
 */
export function renderOptions(id, schema, shared = { names: new Set(), line: '' }) {
  const own = Object.fromEntries(Object.entries(schema.properties ?? {}).filter(([name]) => !shared.names.has(name)));
  const parts = [table(own, schema.required ?? [])];
  if (Object.keys(own).length < Object.keys(schema.properties ?? {}).length) parts.push(shared.line);
  // Nested tables with the same options (regex's tag_rename and field_rename) share one table.
  const nested = new Map();
  const addNested = (path, properties) => {
    for (const [name, property] of Object.entries(properties)) {
      const inner = nestedTable(property);
      if (!inner) continue;
      const rendered = table(inner.schema.properties, inner.schema.required ?? []);
      const headers = nested.get(rendered) ?? [];
      headers.push(inner.array ? `[[${path}.${name}]]` : `[${path}.${name}]`);
      nested.set(rendered, headers);
      addNested(`${path}.${name}`, inner.schema.properties);
    }
  };
  addNested(id, own);
  for (const [rendered, headers] of nested) {
    const list = either(headers.map((h) => `\`${h}\``));
    parts.push(`${headers[0].startsWith('[[') ? 'Each' : 'The'} ${list} table:\n\n${rendered}`);
  }
  return parts.join('\n\n');
}

/** Options without a description, as "id: option" lines (the generator refuses to document them). */
export function undocumented(id, properties) {
  const missing = [];
  for (const [name, schema] of Object.entries(properties ?? {})) {
    if (!schema.description) missing.push(`${id}: option "${name}" has no description`);
    const nested = nestedTable(schema);
    if (nested) missing.push(...undocumented(`${id}.${name}`, nested.schema.properties));
  }
  return missing;
}
