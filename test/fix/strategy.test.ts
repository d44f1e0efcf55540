import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ALL_CHECKS, CHECKS } from '../../src/checks/catalogue.js';
import { evaluateTaskDefinition } from '../../src/engine/evaluate.js';
import { DEFAULT_FIX_OPTIONS, type FixOptions, type FixPlan, planFixes } from '../../src/fix/strategy.js';
import type { TaskDefinition } from '../../src/model/task-definition.js';
import { describeValue } from '../../src/model/value.js';
import { bool, conditional, str, taskDefinition, unresolved, withContainerField } from '../support/task-definitions.js';

function plan(td: TaskDefinition, options: Partial<FixOptions> = {}): FixPlan {
  return planFixes(td, evaluateTaskDefinition(td, CHECKS, false), { ...DEFAULT_FIX_OPTIONS, ...options });
}

/** Changes as short strings: `0 user="1000:1000" (was "0") [checks]`. */
function changes(p: FixPlan): string[] {
  return p.changes.map(
    (c) =>
      `${c.container ?? '-'} ${c.path.join('.')}=${JSON.stringify(c.value)} (was ${describeValue(c.current)}) [${c.checkIds.join(',')}]`,
  );
}

const td = (containers: Record<string, unknown>[], task: Record<string, unknown> = {}) =>
  taskDefinition({ family: 'f', ...task, containerDefinitions: containers });

const IMAGE_NOTE = (name: string, image: string) =>
  `container "${name}": the image ${image} may need a USER and file permissions for uid 1000 (files it writes, volumes it mounts); ` +
  `images built to run as root must be rebuilt`;

describe('planFixes: one row per situation, exact changes', () => {
  const rows: Array<{ name: string; td: TaskDefinition; options?: Partial<FixOptions>; changes: string[]; manual?: string[] }> = [
    {
      name: 'a passing definition has an empty plan',
      td: td([{ name: 'a', image: 'x', user: '1000' }]),
      changes: [],
    },
    {
      name: 'privileged true → false (not removed), root user → --user',
      td: td([{ name: 'a', image: 'x', user: 'root', privileged: true }]),
      changes: ['0 privileged=false (was true) [no-privileged-containers]', '0 user="1000:1000" (was "root") [no-root-user]'],
    },
    {
      name: 'an absent user is added',
      td: td([{ name: 'a', image: 'x' }]),
      changes: ['0 user="1000:1000" (was absent) [no-root-user]'],
    },
    {
      name: 'a custom --user is used',
      td: td([{ name: 'a', image: 'x', user: '0:0' }]),
      options: { user: 'app' },
      changes: ['0 user="app" (was "0:0") [no-root-user]'],
    },
    {
      name: 'host mode kept: users fixed, the checks merged into one change, host is manual',
      td: td([{ name: 'a', image: 'x', user: '0' }], { networkMode: 'host' }),
      changes: ['0 user="1000:1000" (was "0") [no-root-user,host-network-nonroot-user,host-network-no-privilege]'],
      manual: ['no-host-network: host network mode kept; pass --network-mode awsvpc to switch'],
    },
    {
      name: 'host mode → awsvpc resolves the host checks; no-root-user still sets the user',
      td: td([{ name: 'a', image: 'x', user: '0', privileged: true }], { networkMode: 'host' }),
      options: { networkMode: 'awsvpc' },
      changes: [
        '- networkMode="awsvpc" (was "host") [host-network-nonroot-user,host-network-no-privilege,no-host-network]',
        '0 privileged=false (was true) [no-privileged-containers]',
        '0 user="1000:1000" (was "0") [no-root-user]',
      ],
    },
    {
      name: 'awsvpc with only the host check selected: the network change alone, no user change',
      td: td([{ name: 'a', image: 'x' }], { networkMode: 'host' }),
      options: { networkMode: 'awsvpc' },
      changes: [
        '- networkMode="awsvpc" (was "host") [host-network-nonroot-user,no-host-network]',
        '0 user="1000:1000" (was absent) [no-root-user]',
      ],
    },
    {
      name: '--drop-capabilities merges with an existing list and keeps its entries',
      td: td([
        { name: 'a', image: 'x', user: '1000', linuxParameters: { capabilities: { drop: ['NET_RAW'] } } },
        { name: 'b', image: 'y', user: '1000' },
      ]),
      options: { dropCapabilities: true },
      changes: [
        '0 linuxParameters.capabilities.drop=["NET_RAW","ALL"] (was […]) []',
        '1 linuxParameters.capabilities.drop=["ALL"] (was absent) []',
      ],
    },
    {
      name: '--drop-capabilities leaves a list that already drops ALL',
      td: td([{ name: 'a', image: 'x', user: '1000', linuxParameters: { capabilities: { drop: ['all'] } } }]),
      options: { dropCapabilities: true },
      changes: [],
    },
    {
      name: '--readonly-root sets true where it is false or absent',
      td: td([
        { name: 'a', image: 'x', user: '1000', readonlyRootFilesystem: false },
        { name: 'b', image: 'y', user: '1000', readonlyRootFilesystem: true },
      ]),
      options: { readonlyRoot: true },
      changes: ['0 readonlyRootFilesystem=true (was false) []'],
    },
    {
      name: 'a conditional whose other branch already passes becomes the literal',
      td: withContainerField(
        td([{ name: 'a', image: 'x', user: '1000' }]),
        0,
        'privileged',
        conditional('UsePriv', bool(true), bool(false)),
      ),
      changes: ['0 privileged=false (was UsePriv ? true : false) [no-privileged-containers]'],
    },
    {
      name: 'a conditional with a different passing branch: only the failing branch changes',
      td: withContainerField(td([{ name: 'a', image: 'x' }]), 0, 'user', conditional('Prod', str('0'), str('app'))),
      changes: ['0 user="1000:1000" (was "0") [no-root-user]'],
    },
    {
      name: 'an unresolved value is manual, naming the expression',
      td: withContainerField(td([{ name: 'a', image: 'x', user: '1000' }]), 0, 'privileged', unresolved('var.privileged')),
      changes: [],
      manual: [
        'no-privileged-containers: var.privileged cannot be resolved (container "a": privileged is var.privileged, which cannot be ' +
          'resolved); make it false where it is defined',
      ],
    },
    {
      name: 'Windows containers are manual: 1000:1000 means nothing there',
      td: td([{ name: 'w', image: 'x' }], { runtimePlatform: { operatingSystemFamily: 'WINDOWS_SERVER_2022_CORE' } }),
      changes: [],
      manual: [
        'no-root-user: Windows containers: set user to a non-administrator account (for example ContainerUser); ecsguard does not choose ' +
          'one',
      ],
    },
  ];
  for (const row of rows) {
    it(row.name, () => {
      const p = plan(row.td, row.options);
      assert.deepEqual(changes(p), row.changes);
      assert.deepEqual(
        p.manual.map((m) => `${m.checkId}: ${m.reason}`),
        row.manual ?? [],
      );
    });
  }
});

describe('planFixes: warnings name the ports, mappings and links', () => {
  it('a non-root user: ports below 1024 and the image', () => {
    const p = plan(
      td([{ name: 'web', image: 'nginx:1.27', portMappings: [{ containerPort: 80 }, { containerPort: 8080 }, { containerPort: 443 }] }]),
    );
    assert.deepEqual(
      p.warnings.map((w) => [w.checkId, w.container, w.message]),
      [
        [
          'no-root-user',
          'web',
          'container "web": user "1000:1000" is not root and cannot bind ports below 1024: containerPort 80 (portMappings[0]), ' +
            'containerPort 443 (portMappings[2]); make the process listen on a port of 1024 or above (for example 8080) and map that',
        ],
        ['no-root-user', 'web', IMAGE_NOTE('web', 'nginx:1.27')],
      ],
    );
  });

  it('awsvpc: differing hostPort, links, and the services network configuration', () => {
    const p = plan(
      td(
        [
          {
            name: 'web',
            image: 'a',
            user: '1000',
            portMappings: [
              { containerPort: 8080, hostPort: 80 },
              { containerPort: 9000, hostPort: 9000 },
            ],
            links: ['db'],
          },
          { name: 'db', image: 'b', user: '1000' },
        ],
        { networkMode: 'host' },
      ),
      { networkMode: 'awsvpc' },
    );
    assert.deepEqual(
      p.warnings.map((w) => w.message),
      [
        'container "web": awsvpc needs hostPort equal to containerPort or absent: portMappings[0] hostPort 80 ≠ containerPort 8080',
        'container "web": awsvpc does not support links ("db"); remove them and reach the other containers on localhost',
        'awsvpc: every service that uses this task definition needs a networkConfiguration (awsvpcConfiguration with subnets and ' +
          'security groups); update the services together with the new revision',
      ],
    );
  });

  it('Fargate cannot run privileged containers', () => {
    const p = plan(td([{ name: 'a', image: 'x', user: '1000', privileged: true }], { requiresCompatibilities: ['FARGATE'] }));
    assert.deepEqual(
      p.warnings.map((w) => [w.checkId, w.message]),
      [
        [
          'no-privileged-containers',
          'container "a": requiresCompatibilities includes FARGATE, which cannot run privileged containers; with privileged true this ' +
            'definition could not run on Fargate at all',
        ],
      ],
    );
  });

  it('a user fixed through two checks is warned about once', () => {
    const p = plan(td([{ name: 'a', image: 'x' }], { networkMode: 'host' }));
    assert.deepEqual(
      p.warnings.map((w) => w.message),
      [IMAGE_NOTE('a', 'x')],
    );
  });
});

describe('planFixes: the hardening checks carry their own fixes', () => {
  const only = (...ids: string[]) => ALL_CHECKS.filter((c) => ids.includes(c.meta.id));
  const planWith = (t: TaskDefinition, ids: string[], options: Partial<FixOptions> = {}) =>
    planFixes(t, evaluateTaskDefinition(t, only(...ids), false), { ...DEFAULT_FIX_OPTIONS, ...options });

  it('drop-all-capabilities selected: ALL appended under its id; a privileged container also loses privileged', () => {
    const p = planWith(td([{ name: 'a', image: 'x', privileged: true, linuxParameters: { capabilities: { drop: ['NET_RAW'] } } }]), [
      'drop-all-capabilities',
    ]);
    assert.deepEqual(changes(p), [
      '0 linuxParameters.capabilities.drop=["NET_RAW","ALL"] (was […]) [drop-all-capabilities]',
      '0 privileged=false (was true) [drop-all-capabilities]',
    ]);
    assert.deepEqual(
      p.changes.map((c) => [c.operation, c.items]),
      [
        ['insert', ['ALL']],
        ['set', undefined],
      ],
    );
    assert.deepEqual(
      p.warnings.map((w) => w.checkId),
      ['drop-all-capabilities'],
    );
  });

  it('pidMode host is removed, with what the containers lose; a conditional pidMode is manual', () => {
    const removed = planWith(td([{ name: 'a', image: 'x' }], { pidMode: 'host' }), ['no-host-pid-namespace']);
    assert.deepEqual(
      removed.changes.map((c) => [c.operation, c.path.join('.'), c.value, c.checkIds]),
      [['remove', 'pidMode', undefined, ['no-host-pid-namespace']]],
    );
    assert.match(removed.warnings[0]?.message ?? '', /^pidMode host removed: the containers no longer see the instance's processes/);
    const conditionalMode = td([{ name: 'a', image: 'x' }]);
    conditionalMode.body.entries.push({ key: 'pidMode', sourceKey: 'pidMode', value: conditional('Debug', str('host'), str('task')) });
    conditionalMode.pidMode = conditional('Debug', str('host'), str('task'));
    const manual = planWith(conditionalMode, ['no-host-pid-namespace']);
    assert.deepEqual(manual.changes, []);
    assert.deepEqual(
      manual.manual.map((m) => `${m.checkId}: ${m.reason}`),
      ['no-host-pid-namespace: pidMode is a condition on Debug, which ecsguard cannot edit safely; set it by hand'],
    );
  });

  it('logging-configured has no automatic fix: a manual step that names what to add', () => {
    const p = planWith(td([{ name: 'a', image: 'x' }]), ['logging-configured']);
    assert.deepEqual(p.changes, []);
    assert.equal(p.manual.length, 1);
    assert.match(p.manual[0]?.reason ?? '', /^add logConfiguration with a logDriver: awslogs with options awslogs-group/);
  });

  it('a fix asked by an option comes from the check even when it is not selected, and resolves no finding', () => {
    const p = planWith(td([{ name: 'a', image: 'x', user: '1000' }]), ['no-root-user'], { readonlyRoot: true });
    assert.deepEqual(changes(p), ['0 readonlyRootFilesystem=true (was absent) []']);
    assert.deepEqual(
      p.warnings.map((w) => w.checkId),
      ['readonly-root-filesystem'],
    );
  });
});
