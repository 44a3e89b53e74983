import { LOG_LEVELS, type AttributeValue, type FieldValue, type Item, type LogLevel } from '../model/item.js';

/**
 * The fields of an item as processors see them. A metric's are its fields. A log record's are
 * `message`, `level`, `source` and its attributes: the names line protocol and `vigil test`
 * show for it, so one processor option works on metrics and log records alike.
 */
export const LOG_RECORD_FIELDS = ['message', 'level', 'source'] as const;

const isRecordField = (key: string): key is (typeof LOG_RECORD_FIELDS)[number] => key === 'message' || key === 'level' || key === 'source';

export function fieldNames(item: Item): string[] {
  if (item.kind === 'metric') return Object.keys(item.fields);
  return [...LOG_RECORD_FIELDS, ...Object.keys(item.attributes).filter((k) => !isRecordField(k))];
}

export function getField(item: Item, key: string): FieldValue | undefined {
  if (item.kind === 'metric') return item.fields[key];
  return isRecordField(key) ? item[key] : item.attributes[key];
}

/** An attribute holds no bigint: safe integers become numbers, larger ones their decimal text. */
function attributeValue(value: FieldValue): AttributeValue {
  if (typeof value !== 'bigint') return value;
  return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(value) : value.toString();
}

/**
 * Sets a field. A log record's `message` and `source` take the value's text; its `level` takes
 * only one of LOG_LEVELS (case-insensitive). Returns false when the value was not taken.
 */
export function setField(item: Item, key: string, value: FieldValue): boolean {
  if (item.kind === 'metric') {
    item.fields[key] = value;
    return true;
  }
  if (key === 'level') {
    const level = String(value).toLowerCase();
    if (!(LOG_LEVELS as readonly string[]).includes(level)) return false;
    item.level = level as LogLevel;
  } else if (key === 'message' || key === 'source') item[key] = String(value);
  else item.attributes[key] = attributeValue(value);
  return true;
}

/** Removes a field; a log record's `message` and `source` become '', its `level` stays. */
export function deleteField(item: Item, key: string): void {
  if (item.kind === 'metric') delete item.fields[key];
  else if (key === 'message' || key === 'source') item[key] = '';
  else if (key !== 'level') delete item.attributes[key];
}
