/**
 * vigil metrics as the OTLP metrics model, by influx2otel's rules (Telegraf's
 * outputs.opentelemetry): one data point per numeric field, named `<measurement>_<field>`; a gauge,
 * or for a counter a monotonic cumulative sum; integers as asInt, floats as asDouble; tags as
 * point attributes, but those named like resource conventions go to the resource.
 */
import { ValueType, type Attributes } from '@opentelemetry/api';
import { AggregationTemporality, DataPointType, type DataPoint, type MetricData, type ResourceMetrics, type ScopeMetrics } from '@opentelemetry/sdk-metrics';
import type { Metric } from '@vigil/core';
import { CounterStartTimes } from './counter-start-times.js';
import { hrTimeFromMs, UNSET_TIME } from './hr-time.js';
import type { LeftOutFields } from './left-out-fields.js';
import { splitTags } from './resource-attributes.js';
import type { ResourceCache } from './resource-cache.js';

export interface MappedMetrics {
  resourceMetrics: ResourceMetrics[];
  /** Data points made. */
  points: number;
  /** Field values with no OTLP form (strings, booleans, NaN, ±Infinity). */
  leftOut: number;
}

type MutableMetricData = MetricData & { dataPoints: DataPoint<number>[] };

interface ResourceGroup {
  resourceMetrics: ResourceMetrics;
  metrics: Map<string, MutableMetricData>;
  scope: ScopeMetrics;
}

function attributesKey(attributes: Attributes): string {
  const names = Object.keys(attributes);
  return names.length === 0 ? '' : JSON.stringify(names.sort().map((n) => [n, attributes[n]]));
}

export class MetricMapper {
  private readonly counterStarts = new CounterStartTimes();

  constructor(
    private readonly resources: ResourceCache,
    private readonly scope: ScopeMetrics['scope'],
  ) {}

  /**
   * One ResourceMetrics per distinct resource, each metric holding every point of the batch.
   * Fields with no OTLP form are told to `leftOutFields`, when given.
   */
  map(metrics: readonly Metric[], leftOutFields?: LeftOutFields): MappedMetrics {
    const groups = new Map<string, ResourceGroup>();
    let points = 0;
    let leftOut = 0;
    for (const m of metrics) {
      const tags = splitTags(m.tags);
      const { key: resourceKey, resource } = this.resources.resourceFor(tags.resource);
      let group = groups.get(resourceKey);
      if (!group) {
        const scope: ScopeMetrics = { scope: this.scope, metrics: [] };
        group = { resourceMetrics: { resource, scopeMetrics: [scope] }, metrics: new Map(), scope };
        groups.set(resourceKey, group);
      }
      const attributes: Attributes = tags.own;
      const endTime = hrTimeFromMs(m.timestamp);
      const isCounter = m.type === 'counter';
      for (const field in m.fields) {
        const raw = m.fields[field];
        let value: number;
        let valueType: ValueType;
        if (typeof raw === 'bigint') {
          // The serializers take numbers: an integer beyond 2^53 loses its last digits.
          [value, valueType] = [Number(raw), ValueType.INT];
        } else if (typeof raw === 'number' && Number.isFinite(raw)) {
          [value, valueType] = [raw, ValueType.DOUBLE];
        } else {
          leftOut++;
          leftOutFields?.leaveOut(m.name, field, raw);
          continue;
        }
        const name = `${m.name}_${field}`;
        const metricKey = `${name}\u0000${isCounter ? 's' : 'g'}${valueType}`;
        let data = group.metrics.get(metricKey);
        if (!data) {
          const descriptor = { name, description: '', unit: '', valueType };
          data = isCounter
            ? { descriptor, aggregationTemporality: AggregationTemporality.CUMULATIVE, dataPointType: DataPointType.SUM, isMonotonic: true, dataPoints: [] }
            : { descriptor, aggregationTemporality: AggregationTemporality.CUMULATIVE, dataPointType: DataPointType.GAUGE, dataPoints: [] };
          group.metrics.set(metricKey, data);
          group.scope.metrics.push(data);
        }
        const startTime = isCounter ? hrTimeFromMs(this.counterStarts.startOf(`${resourceKey}\u0000${name}\u0000${attributesKey(attributes)}`, m.timestamp, value)) : UNSET_TIME;
        data.dataPoints.push({ startTime, endTime, attributes, value });
        points++;
      }
    }
    return { resourceMetrics: [...groups.values()].filter((g) => g.scope.metrics.length > 0).map((g) => g.resourceMetrics), points, leftOut };
  }
}
