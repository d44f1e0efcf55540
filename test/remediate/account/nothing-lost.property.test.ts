import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { CHECKS } from '../../../src/checks/catalogue.js';
import { evaluateTaskDefinition } from '../../../src/engine/evaluate.js';
import { remediateRevision } from '../../../src/remediate/account/build-plan.js';
import { READ_ONLY_FIELDS, registerInputFrom } from '../../../src/remediate/account/register-input.js';
import { normalizeTaskDefinition } from '../../../src/model/task-definition.js';
import { type ObjectNode, fromPlain } from '../../../src/model/value.js';
import type { FixOptions } from '../../../src/fix/strategy.js';

type Json = Record<string, unknown>;

const ARN = 'arn:aws:ecs:us-east-1:123456789012:task-definition/prop:7';

/** Container fields no fix touches, with arbitrary JSON values: a fixer must carry them over untouched. */
const OTHER_CONTAINER_FIELDS = [
  'environment',
  'command',
  'entryPoint',
  'dockerLabels',
  'ulimits',
  'healthCheck',
  'logConfiguration',
  'mountPoints',
  'cpu',
  'memory',
  'essential',
  'workingDir',
  'hostname',
  'dnsServers',
  'secrets',
  'dependsOn',
  'links',
];
const OTHER_TASK_FIELDS = [
  'volumes',
  'placementConstraints',
  'cpu',
  'memory',
  'pidMode',
  'ipcMode',
  'taskRoleArn',
  'executionRoleArn',
  'proxyConfiguration',
  'ephemeralStorage',
  'inferenceAccelerators',
];

const json = fc.jsonValue({ maxDepth: 2 });
const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

const linuxParameters = fc.record(
  {
    initProcessEnabled: fc.boolean(),
    sharedMemorySize: fc.integer({ min: 1, max: 1024 }),
    capabilities: fc.record(
      { add: fc.array(fc.constantFrom('NET_ADMIN', 'SYS_PTRACE')), drop: fc.array(fc.constantFrom('MKNOD', 'ALL', 'CHOWN')) },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: [] },
);

const container = (index: number) =>
  fc
    .record({
      privileged: optional(fc.boolean()),
      user: optional(fc.constantFrom('root', '0', '0:0', 'root:root', '1000', '1000:1000', 'app', '')),
      readonlyRootFilesystem: optional(fc.boolean()),
      portMappings: optional(
        fc.array(
          fc.record({
            containerPort: fc.integer({ min: 1, max: 65535 }),
            hostPort: optional(fc.integer({ min: 0, max: 65535 })),
            protocol: fc.constantFrom('tcp', 'udp'),
          }),
          { maxLength: 3 },
        ),
      ),
      linuxParameters: optional(linuxParameters),
      extra: fc.dictionary(fc.constantFrom(...OTHER_CONTAINER_FIELDS), json, { maxKeys: 4 }),
    })
    .map(({ extra, ...known }) => {
      const c: Json = { name: `c${index}`, image: `image-${index}:latest`, ...extra };
      for (const [key, value] of Object.entries(known)) if (value !== undefined) c[key] = value;
      return c;
    });

const tags = fc
  .uniqueArray(fc.record({ key: fc.string({ minLength: 1, maxLength: 8 }), value: fc.string({ maxLength: 8 }) }), {
    selector: (t) => t.key,
    maxLength: 4,
  })
  .map((list) => list.map((t) => ({ key: t.key, value: t.value })));

/** A DescribeTaskDefinition answer: read-only fields, random extra fields, 1–4 containers. */
const described = fc
  .record({
    networkMode: optional(fc.constantFrom('host', 'bridge', 'awsvpc', 'none')),
    requiresCompatibilities: optional(fc.constantFrom(['EC2'], ['FARGATE'], ['EC2', 'FARGATE'])),
    containerCount: fc.integer({ min: 1, max: 4 }),
    extra: fc.dictionary(fc.constantFrom(...OTHER_TASK_FIELDS), json, { maxKeys: 5 }),
    deregistered: fc.boolean(),
  })
  .chain(({ containerCount, extra, deregistered, ...known }) =>
    fc.tuple(...Array.from({ length: containerCount }, (_, i) => container(i))).map((containers) => {
      const td: Json = {
        taskDefinitionArn: ARN,
        family: 'prop',
        revision: 7,
        status: deregistered ? 'INACTIVE' : 'ACTIVE',
        requiresAttributes: [{ name: 'com.amazonaws.ecs.capability.docker-remote-api.1.18' }],
        compatibilities: ['EC2'],
        registeredAt: '2024-05-01T10:00:00.000Z',
        registeredBy: 'arn:aws:iam::123456789012:user/someone',
        // A deregistered revision may also be DELETE_IN_PROGRESS (deleteRequestedAt) while a service still uses it.
        ...(deregistered ? { deregisteredAt: '2024-06-01T10:00:00.000Z', deleteRequestedAt: '2024-06-02T10:00:00.000Z' } : {}),
        ...extra,
        containerDefinitions: containers,
      };
      for (const [key, value] of Object.entries(known)) if (value !== undefined) td[key] = value;
      // What the API returns: plain JSON objects (fast-check builds some with a null prototype).
      return JSON.parse(JSON.stringify(td)) as Json;
    }),
  );

const fixOptions: fc.Arbitrary<FixOptions> = fc.record({
  user: fc.constantFrom('1000:1000', 'app', '65534'),
  networkMode: fc.constantFrom('keep' as const, 'awsvpc' as const),
  dropCapabilities: fc.boolean(),
  readonlyRoot: fc.boolean(),
});

/** Paths (keys and array indexes) where two JSON values differ. */
function differences(a: unknown, b: unknown, path: string[] = []): string[][] {
  const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (isObject(a) && isObject(b)) {
    return [...new Set([...Object.keys(a), ...Object.keys(b)])].flatMap((k) => differences(a[k], b[k], [...path, k]));
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length)
    return a.flatMap((item, i) => differences(item, b[i], [...path, String(i)]));
  return isDeepStrictEqual(a, b) ? [] : [path];
}

/** `containerDefinitions[0].linuxParameters.capabilities.drop` → its path. */
const pathOf = (field: string) => field.replace(/\[(\d+)\]/g, '.$1').split('.');
const startsWith = (path: string[], prefix: string[]) => prefix.every((step, i) => path[i] === step);

function getPath(root: unknown, path: string[]): unknown {
  return path.reduce<unknown>((node, step) => (node !== null && typeof node === 'object' ? (node as Json)[step] : undefined), root);
}

describe('nothing is lost (property)', () => {
  it('the register input differs from the described definition only where the fixes say, minus the read-only fields', () => {
    let remediated = 0;
    fc.assert(
      fc.property(described, tags, fixOptions, (td, tagList, options) => {
        const body = fromPlain({ ...td, tags: tagList }) as ObjectNode;
        const resource = {
          kind: 'aws' as const,
          source: 'aws' as const,
          id: ARN,
          arn: ARN,
          region: 'us-east-1',
          family: 'prop',
          revision: 7,
        };
        const { taskDefinition } = normalizeTaskDefinition(resource, body);
        assert.ok(taskDefinition);
        const findings = evaluateTaskDefinition(taskDefinition, CHECKS, false);
        const remediation = remediateRevision({ taskDefinition, findings, described: td, tags: tagList }, options);
        if (!remediation.registerInput) {
          assert.deepEqual(remediation.changes, []);
          return;
        }
        const input = remediation.registerInput;
        remediated++;
        for (const field of READ_ONLY_FIELDS) assert.equal(field in input, false, `${field} must be removed`);
        assert.equal('deleteRequestedAt' in input, false, 'RegisterTaskDefinition has no deleteRequestedAt');
        if (tagList.length) assert.deepEqual(input['tags'], tagList);
        else assert.equal('tags' in input, false);

        const original = registerInputFrom(td, tagList);
        const named = remediation.changes.map((c) => pathOf(c.field));
        for (const path of differences(original, input)) {
          const explained = named.some(
            (change) => startsWith(path, change) || (startsWith(change, path) && getPath(original, path) === undefined),
          );
          assert.ok(
            explained,
            `${path.join('.')} changed, but no fix names it (fixes: ${remediation.changes.map((c) => c.field).join(', ')})`,
          );
        }
        for (const change of remediation.changes) assert.deepEqual(getPath(input, pathOf(change.field)), change.to, change.field);
        // Every failing check the fixes claim is gone on the fixed definition.
        const fixed = normalizeTaskDefinition(resource, fromPlain(input) as ObjectNode).taskDefinition;
        assert.ok(fixed);
        const claimed = new Set(remediation.changes.flatMap((c) => c.checkIds));
        const left = evaluateTaskDefinition(fixed, CHECKS, false).filter((f) => f.status === 'FAIL' && claimed.has(f.checkId));
        assert.deepEqual(
          left.map((f) => `${f.checkId}: ${f.message}`),
          [],
        );
      }),
      { numRuns: 300 },
    );
    assert.ok(remediated > 0, 'no generated definition needed a fix');
  });
});
