import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CHECKS } from '../../src/checks/catalogue.js';
import { hostNetworkNoPrivilege } from '../../src/checks/host-network-no-privilege.js';
import { noHostNetwork } from '../../src/checks/no-host-network.js';
import { noPrivilegedContainers } from '../../src/checks/no-privileged-containers.js';
import { noRootUser } from '../../src/checks/no-root-user.js';
import type { Check } from '../../src/checks/types.js';
import { evaluateTaskDefinition } from '../../src/engine/evaluate.js';
import { normalizeTaskDefinition, type TaskDefinition } from '../../src/model/task-definition.js';
import { type ObjectNode, type ValueNode, fromPlain } from '../../src/model/value.js';
import { bool, conditional, str, unresolved } from '../support/task-definitions.js';

const summary = (check: Check, td: TaskDefinition) =>
  check.evaluate(td).map((v) => ({ status: v.status, field: v.field, message: v.message }));

/** A body whose fields may be hand-built nodes (conditionals, expressions) anywhere. */
function model(entries: Record<string, ValueNode>) {
  const body: ObjectNode = {
    kind: 'object',
    entries: Object.entries(entries).map(([key, value]) => ({ key, sourceKey: key, value })),
  };
  return normalizeTaskDefinition({ kind: 'file', source: 'cloudformation', id: 'Task' }, body);
}

const container = (fields: Record<string, ValueNode>): ObjectNode => ({
  kind: 'object',
  entries: Object.entries(fields).map(([key, value]) => ({ key, sourceKey: key, value })),
});
const list = (...items: ValueNode[]): ValueNode => ({ kind: 'array', items });

describe('a verdict that does not depend on a condition is stated without it', () => {
  it('Privileged: !If [C, false, false] with User: root in host mode fails unconditionally', () => {
    const { taskDefinition } = model({
      networkMode: str('host'),
      containerDefinitions: list(
        container({ name: str('agent'), privileged: conditional('C', bool(false), bool(false)), user: str('root') }),
      ),
    });
    assert.deepEqual(summary(hostNetworkNoPrivilege, taskDefinition as TaskDefinition), [
      {
        status: 'FAIL',
        field: 'containerDefinitions[0].user',
        message: 'container "agent": in host network mode, user "root" is the root user',
      },
    ]);
  });

  it('a failure under one branch only keeps its condition', () => {
    const { taskDefinition } = model({
      containerDefinitions: list(
        container({ name: str('agent'), privileged: conditional('C', bool(true), bool(false)), user: str('1000') }),
      ),
    });
    assert.deepEqual(summary(noPrivilegedContainers, taskDefinition as TaskDefinition), [
      {
        status: 'FAIL',
        field: 'containerDefinitions[0].privileged',
        message: 'container "agent": privileged is true when condition C is true',
      },
    ]);
  });

  it('networkMode: !If [C, host, host] is host whatever C says', () => {
    const { taskDefinition } = model({
      networkMode: conditional('C', str('host'), str('host')),
      containerDefinitions: list(container({ name: str('a'), user: str('1000') })),
    });
    assert.deepEqual(summary(noHostNetwork, taskDefinition as TaskDefinition), [
      { status: 'FAIL', field: 'networkMode', message: 'networkMode is "host"' },
    ]);
  });

  it('the same container failing the same way on both branches of a conditional list is reported once', () => {
    const app = () => container({ name: str('app'), privileged: bool(true), user: str('1000') });
    const { taskDefinition } = model({ containerDefinitions: conditional('var.debug', list(app()), list(app())) });
    assert.deepEqual(summary(noPrivilegedContainers, taskDefinition as TaskDefinition), [
      { status: 'FAIL', field: 'containerDefinitions[0].privileged', message: 'container "app": privileged is true' },
    ]);
  });

  it('different verdicts on the two branches stay two findings, each with its condition', () => {
    const { taskDefinition } = model({
      containerDefinitions: conditional(
        'var.debug',
        list(container({ name: str('app'), user: str('0') })),
        list(container({ name: str('app'), user: str('root') })),
      ),
    });
    assert.deepEqual(summary(noRootUser, taskDefinition as TaskDefinition), [
      {
        status: 'FAIL',
        field: 'containerDefinitions[0].user',
        message: 'container "app": user "0" is uid 0 (root) when condition var.debug is true',
      },
      {
        status: 'FAIL',
        field: 'containerDefinitions[0].user',
        message: 'container "app": user "root" is the root user when condition var.debug is false',
      },
    ]);
  });
});

describe('containerDefinitions[N] is the index as written', () => {
  it('[!If [C, a, b], c] reports c as index 1', () => {
    const { taskDefinition } = model({
      containerDefinitions: list(
        conditional('C', container({ name: str('a'), user: str('1000') }), container({ name: str('b'), user: str('1000') })),
        container({ name: str('c'), user: str('0') }),
      ),
    });
    assert.deepEqual(summary(noRootUser, taskDefinition as TaskDefinition), [
      { status: 'FAIL', field: 'containerDefinitions[1].user', message: 'container "c": user "0" is uid 0 (root)' },
    ]);
    assert.deepEqual(
      taskDefinition?.containers.map((c) => [c.name, c.index, c.sourceIndex]),
      [
        ['a', 0, 0],
        ['b', 1, 0],
        ['c', 2, 1],
      ],
    );
  });

  it('an unresolved container name shows its expression, not #0', () => {
    const { taskDefinition, problems } = model({
      containerDefinitions: list(container({ name: unresolved('var.container_name'), user: str('0') })),
    });
    assert.deepEqual(problems, []);
    assert.deepEqual(summary(noRootUser, taskDefinition as TaskDefinition), [
      { status: 'FAIL', field: 'containerDefinitions[0].user', message: 'container "var.container_name": user "0" is uid 0 (root)' },
    ]);
  });
});

describe('task-level checks need no containers', () => {
  const verdicts = (td: TaskDefinition) => evaluateTaskDefinition(td, CHECKS, true).map((f) => [f.checkId, f.status, f.message]);

  it('containers unresolved, networkMode awsvpc: host-network checks PASS, container checks UNKNOWN', () => {
    const { taskDefinition, problems } = model({
      networkMode: str('awsvpc'),
      containerDefinitions: unresolved('(known after apply)'),
    });
    assert.deepEqual(problems, []);
    assert.deepEqual(verdicts(taskDefinition as TaskDefinition), [
      ['no-privileged-containers', 'UNKNOWN', 'container definitions are (known after apply), which cannot be resolved'],
      ['no-root-user', 'UNKNOWN', 'container definitions are (known after apply), which cannot be resolved'],
      ['host-network-nonroot-user', 'PASS', 'networkMode is "awsvpc", so the check does not apply'],
      ['host-network-no-privilege', 'PASS', 'networkMode is "awsvpc", so the check does not apply'],
      ['no-host-network', 'PASS', 'networkMode is "awsvpc"'],
    ]);
  });

  it('containers unreadable, networkMode host: no-host-network still FAILs, the others are ERROR', () => {
    const { taskDefinition, problems } = model({ networkMode: str('host'), containerDefinitions: str('not a list') });
    assert.deepEqual(
      problems.map((p) => [p.severity, p.message]),
      [['error', 'task definition Task: container definitions must be a list, found string']],
    );
    assert.deepEqual(verdicts(taskDefinition as TaskDefinition), [
      ['no-privileged-containers', 'ERROR', 'not evaluated: container definitions must be a list, found string'],
      ['no-root-user', 'ERROR', 'not evaluated: container definitions must be a list, found string'],
      ['host-network-nonroot-user', 'ERROR', 'not evaluated: container definitions must be a list, found string'],
      ['host-network-no-privilege', 'ERROR', 'not evaluated: container definitions must be a list, found string'],
      ['no-host-network', 'FAIL', 'networkMode is "host"'],
    ]);
  });

  it('no containers at all: a warning, and PASS for container checks (never "all 0 containers pass")', () => {
    const { taskDefinition, problems } = model({ family: str('empty'), networkMode: str('host') });
    assert.deepEqual(
      problems.map((p) => [p.severity, p.message]),
      [['warning', 'task definition Task has no container definitions; container checks have nothing to check']],
    );
    assert.deepEqual(verdicts(taskDefinition as TaskDefinition), [
      ['no-privileged-containers', 'PASS', 'the task definition has no container definitions'],
      ['no-root-user', 'PASS', 'the task definition has no container definitions'],
      ['host-network-nonroot-user', 'PASS', 'the task definition has no container definitions'],
      ['host-network-no-privilege', 'PASS', 'the task definition has no container definitions'],
      ['no-host-network', 'FAIL', 'networkMode is "host"'],
    ]);
  });

  it('an empty list is the same warning in its own words', () => {
    const { problems } = model({ containerDefinitions: list() });
    assert.deepEqual(
      problems.map((p) => [p.severity, p.message]),
      [['warning', 'task definition Task has an empty container definitions list; container checks have nothing to check']],
    );
  });

  it('PASS messages count containers in words that make sense', () => {
    const one = model({ containerDefinitions: fromPlain([{ name: 'a', user: '1000' }]) }).taskDefinition as TaskDefinition;
    const two = model({
      containerDefinitions: fromPlain([
        { name: 'a', user: '1000' },
        { name: 'b', user: '1000' },
      ]),
    }).taskDefinition as TaskDefinition;
    assert.equal(noRootUser.passMessage(one), 'the container passes');
    assert.equal(noRootUser.passMessage(two), 'all 2 containers pass');
  });
});
