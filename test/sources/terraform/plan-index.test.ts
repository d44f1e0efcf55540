import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { indexPlan, indexPlanByVisitor } from '../../../src/sources/terraform/plan-index.js';
import { indexStrictPlan } from '../../../src/sources/terraform/plan-index-strict.js';

const values = (family: string, privileged: boolean) => ({
  family,
  container_definitions: JSON.stringify([{ name: 'app', image: 'nginx', privileged }]),
});

/**
 * An update plan as `terraform show -json` writes it: the same resource shapes also sit in prior_state,
 * resource_drift and each change's `before`, which the index must not take for planned resources or changes.
 */
const PLAN = JSON.stringify(
  {
    format_version: '1.2',
    variables: { env: { value: 'prod' } },
    planned_values: {
      outputs: { family: { sensitive: false, value: 'web' } },
      root_module: {
        resources: [
          {
            address: 'aws_ecs_task_definition.web',
            mode: 'managed',
            type: 'aws_ecs_task_definition',
            name: 'web',
            values: values('web', true),
            sensitive_values: { tags: {}, nested: [{ address: 'not.a_resource' }] },
          },
        ],
        child_modules: [
          {
            address: 'module.batch',
            resources: [
              {
                address: 'module.batch.aws_ecs_task_definition.job["a"]',
                mode: 'managed',
                type: 'aws_ecs_task_definition',
                name: 'job',
                index: 'a',
                values: values('job', false),
                sensitive_values: {},
              },
            ],
          },
        ],
      },
    },
    resource_drift: [
      {
        address: 'aws_ecs_task_definition.drifted',
        mode: 'managed',
        type: 'aws_ecs_task_definition',
        change: { actions: ['update'], before: values('drifted', true), after: values('drifted', false) },
      },
    ],
    resource_changes: [
      {
        address: 'aws_ecs_task_definition.web',
        mode: 'managed',
        type: 'aws_ecs_task_definition',
        change: {
          actions: ['delete', 'create'],
          before: { ...values('web', false), resources: [{ address: 'aws_ecs_task_definition.before', type: 'x' }] },
          after: values('web', true),
          after_unknown: { arn: true, revision: true },
          before_sensitive: {},
          replace_paths: [['container_definitions']],
        },
      },
    ],
    prior_state: {
      values: {
        root_module: {
          resources: [
            { address: 'aws_ecs_task_definition.old', mode: 'managed', type: 'aws_ecs_task_definition', values: values('old', true) },
          ],
        },
      },
    },
    configuration: { root_module: { resources: [{ address: 'aws_ecs_task_definition.web', mode: 'managed' }] } },
  },
  null,
  2,
);

/** The text of a span, parsed. */
const at = (span: { start: number; end: number } | undefined): unknown => span && JSON.parse(PLAN.slice(span.start, span.end));

describe('indexPlan', () => {
  it('records the planned resources and changes only, with the spans of their values', () => {
    const index = indexPlan(PLAN);
    assert.equal(index.error, undefined);
    assert.deepEqual(
      index.planned.map((r) => [r.address, r.type, r.mode, at(r.values), r.unknown]),
      [
        ['aws_ecs_task_definition.web', 'aws_ecs_task_definition', 'managed', values('web', true), undefined],
        ['module.batch.aws_ecs_task_definition.job["a"]', 'aws_ecs_task_definition', 'managed', values('job', false), undefined],
      ],
    );
    assert.deepEqual(
      index.changes.map((r) => [r.address, r.type, r.mode, at(r.values), at(r.unknown)]),
      [['aws_ecs_task_definition.web', 'aws_ecs_task_definition', 'managed', values('web', true), { arn: true, revision: true }]],
    );
    assert.deepEqual(at(index.configuration), {
      root_module: { resources: [{ address: 'aws_ecs_task_definition.web', mode: 'managed' }] },
    });
  });

  it('still reports a syntax error in a section it skips, at its offset', () => {
    const broken = PLAN.replace('"prior_state": {', '"prior_state": {,');
    const index = indexPlan(broken);
    // jsonc-parser's words for a comma where a property should start.
    assert.equal(index.error?.message, 'value expected');
    assert.equal(index.error?.offset, broken.indexOf('"prior_state": {,') + '"prior_state": {'.length);
  });

  describe('the strict reader', () => {
    const variants: Array<[string, string]> = [
      ['an update plan', PLAN],
      ['escaped keys', PLAN.replace('"container_definitions"', '"container\\u005fdefinitions"').replace('"address"', '"addr\\u0065ss"')],
      ['escaped values', PLAN.replace('"aws_ecs_task_definition.web"', '"aws_ecs_task_definition.\\u0077eb"')],
      ['values written twice', PLAN.replace('"sensitive_values": {}', '"values": {"family": "again", "container_definitions": 1}')],
      ['changes as an object', JSON.stringify({ resource_changes: { a: { address: 'x', change: { after: {}, after_unknown: {} } } } })],
      ['a top-level list', JSON.stringify([{ planned_values: {} }])],
      ['one line', JSON.stringify(JSON.parse(PLAN))],
    ];
    for (const [name, text] of variants) {
      it(`indexes ${name} as the visitor does`, () => {
        const strict = indexStrictPlan(text);
        assert.ok(strict, 'strict JSON is read by the strict reader');
        assert.deepEqual(strict, indexPlanByVisitor(text));
      });
    }

    it('leaves to the visitor a plan nested deeper than its own stack allows', () => {
      const deep = `{"planned_values": ${'{"a": '.repeat(3000)}1${'}'.repeat(3000)}}`;
      assert.equal(indexStrictPlan(deep), undefined);
      assert.deepEqual(indexPlan(deep), indexPlanByVisitor(deep));
    });

    it('leaves any other text to the visitor, which reports the error', () => {
      const broken = PLAN.replace('"prior_state": {', '"prior_state": {,');
      assert.equal(indexStrictPlan(broken), undefined);
      const commented = PLAN.replace('"format_version"', '// made by terraform show -json\n  "format_version"');
      assert.equal(indexStrictPlan(commented), undefined);
      assert.equal(indexPlan(commented).error?.message, 'invalid comment token');
    });
  });
});

describe('the strict plan reader against the visitor, on damaged plans', () => {
  it('indexes as the visitor does every edit it reads, and leaves the rest to it', () => {
    let state = 7;
    const random = () => {
      state = (Math.imul(state, 1103515245) + 12345) & 0x7fffffff;
      return state / 0x80000000;
    };
    const pieces = ['"', '\\', '{', '}', '[', ']', ':', ',', '0', 'e', '-', ' ', '\n', 'u', 'x'];
    let readStrictly = 0;
    for (let n = 0; n < 1500; n++) {
      const at = Math.floor(random() * PLAN.length);
      const piece = pieces[Math.floor(random() * pieces.length)] as string;
      const text = random() < 0.5 ? PLAN.slice(0, at) + PLAN.slice(at + 1) : PLAN.slice(0, at) + piece + PLAN.slice(at);
      const strict = indexStrictPlan(text);
      if (!strict) continue;
      readStrictly++;
      assert.deepEqual(strict, indexPlanByVisitor(text), `edit ${n} at ${at}`);
    }
    assert.ok(readStrictly > 150, `${readStrictly} read strictly`);
  });
});
