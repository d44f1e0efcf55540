import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LineIndex, OffsetRange } from '../../../src/model/location.js';
import { indexPlan } from '../../../src/sources/terraform/plan-index.js';
import { type PlanText, planObject } from '../../../src/sources/terraform/plan-values.js';

/** A tree with every range as its offsets (what a lazy range holds), to compare two reads of the same text. */
function offsets(value: unknown): unknown {
  if (value instanceof OffsetRange) return [value.startOffset, value.endOffset];
  if (Array.isArray(value)) return value.map(offsets);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, offsets(v)]));
  return value;
}

const containers = [
  { name: 'app', image: 'nginx', user: '0', environment: [{ name: 'A', value: 'caf\u00e9 "quoted" \\ back\tslash' }] },
  { name: 'side', image: 'envoy', privileged: true, memory: 1.5e3 },
];

/** A plan whose values write keys, numbers and nested blocks before and after a long container_definitions. */
function plan(definitions: string): string {
  const values = { cpu: '256', family: 'web', container_definitions: definitions, memory: 512, volume: [{ name: 'v', host_path: null }] };
  const resource = { address: 'aws_ecs_task_definition.web', mode: 'managed', type: 'aws_ecs_task_definition', values };
  // \u escapes as Terraform writes <, > and & in JSON strings.
  return JSON.stringify({ planned_values: { root_module: { resources: [resource] } } }, null, 2).replaceAll('<', '\\u003c');
}

describe('planObject with container_definitions read apart (the index has read its text)', () => {
  it('gives the tree of reading the values whole: values, keys and every range', () => {
    const text = plan(`${JSON.stringify(containers, null, 1)} <tail>`);
    const index = indexPlan(text);
    const [resource] = index.planned;
    assert.ok(resource?.values && resource.definitionsText);
    assert.equal(
      JSON.parse(text.slice(resource.definitionsText.start, resource.definitionsText.end)),
      `${JSON.stringify(containers, null, 1)} <tail>`,
    );
    const lines = new LineIndex(text);
    const at: PlanText = { path: 'plan.json', lines, ranges: lines.lazyRanges('plan.json'), base: resource.values.start };
    const whole = planObject(at, resource.values.end);
    const cut = planObject(at, resource.values.end, resource.definitionsText);
    assert.ok(whole && cut);
    assert.deepEqual(offsets(cut), offsets(whole));
    assert.equal(JSON.stringify(cut), JSON.stringify(whole));
  });

  it('reads a short string, or a container_definitions that is no string, with its object', () => {
    for (const definitions of ['[]', null]) {
      const text = plan(definitions as string);
      const [resource] = indexPlan(text).planned;
      assert.equal(resource?.definitionsText === undefined, definitions === null);
    }
  });
});
