/**
 * Prowler's unit tests, rewritten as describe-output task definitions:
 * prowler-cloud/prowler tests/providers/aws/services/ecs/<check>/<check>_test.py
 * for ecs_task_definitions_host_networking_mode_users,
 * ecs_task_definitions_no_privileged_containers,
 * ecs_task_definitions_containers_readonly_access,
 * ecs_task_definitions_host_namespace_not_shared and
 * ecs_task_definitions_logging_enabled. ecs_service.py's defaults apply
 * (absent user → "", absent privileged → False).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ecsTaskDefinitionsContainersReadonlyAccess as readonly,
  ecsTaskDefinitionsHostNamespaceNotShared as namespace,
  ecsTaskDefinitionsHostNetworkingModeUsers as hostUsers,
  ecsTaskDefinitionsLoggingEnabled as logging,
  ecsTaskDefinitionsNoEnvironmentSecrets as secrets,
  ecsTaskDefinitionsNoPrivilegedContainers as privileged,
} from '../../src/peers/prowler.js';
import { taskDefinition, unresolved, withContainerField } from '../support/task-definitions.js';

const td = (task: Record<string, unknown>, ...containers: Array<Record<string, unknown>>) =>
  taskDefinition({
    family: 'test-task',
    ...task,
    containerDefinitions: containers.map((c, i) => ({ name: `test-container-${i}`, image: 'ubuntu', ...c })),
  });

describe('ecs_task_definitions_host_networking_mode_users', () => {
  it('no host network mode: PASS', () => {
    assert.equal(hostUsers.task(td({ networkMode: 'bridge' }, {})).verdict, 'PASS');
  });
  it('absent networkMode defaults to bridge: PASS', () => {
    assert.equal(hostUsers.task(td({}, { user: 'root' })).verdict, 'PASS');
  });
  it('host mode, user root, not privileged: FAIL', () => {
    assert.equal(hostUsers.task(td({ networkMode: 'host' }, { user: 'root', privileged: false })).verdict, 'FAIL');
  });
  it('host mode, no user: FAIL (user defaults to "")', () => {
    assert.equal(hostUsers.task(td({ networkMode: 'host' }, {})).verdict, 'FAIL');
  });
  it('host mode, privileged with user root: PASS (test_task_definition_host_mode_container_privileged)', () => {
    assert.equal(hostUsers.task(td({ networkMode: 'host' }, { user: 'root', privileged: true })).verdict, 'PASS');
  });
  it('host mode, non-root user: PASS', () => {
    assert.equal(hostUsers.task(td({ networkMode: 'host' }, { user: 'appuser' })).verdict, 'PASS');
  });
  it('the exact comparison: "0", "0:0", "root:root" and "ROOT" pass', () => {
    for (const user of ['0', '0:0', 'root:root', 'ROOT']) {
      const outcome = hostUsers.task(td({ networkMode: 'host' }, { user }));
      assert.deepEqual(outcome, { verdict: 'PASS', why: 'every container is privileged or has a user other than "root" and ""' }, user);
      const one = td({ networkMode: 'host' }, { user });
      assert.equal(
        hostUsers.container!(one, one.containers[0]!).why,
        `it compares user with the literals "root" and "", and this user is ${JSON.stringify(user)}`,
      );
    }
  });
  it('names the failing containers, as Prowler lists them', () => {
    assert.match(hostUsers.task(td({ networkMode: 'host' }, { user: 'app' }, {})).why, /^test-container-1: user is absent/);
  });
  it('an unresolved user is NOT_EVALUATED', () => {
    const model = withContainerField(td({ networkMode: 'host' }, {}), 0, 'user', unresolved('var.user'));
    assert.deepEqual(hostUsers.task(model), {
      verdict: 'NOT_EVALUATED',
      why: 'test-container-0: the rule reads a value that depends on var.user, which ecsguard cannot resolve',
    });
  });
});

describe('ecs_task_definitions_no_privileged_containers', () => {
  it('privileged: FAIL; not privileged or absent: PASS', () => {
    assert.equal(privileged.task(td({}, { privileged: true })).verdict, 'FAIL');
    assert.equal(privileged.task(td({}, { privileged: false })).verdict, 'PASS');
    assert.equal(privileged.task(td({}, {})).verdict, 'PASS');
  });
});

describe('ecs_task_definitions_containers_readonly_access', () => {
  it('true: PASS; false or absent: FAIL; Windows is not exempt', () => {
    assert.equal(readonly.task(td({}, { readonlyRootFilesystem: true })).verdict, 'PASS');
    assert.equal(readonly.task(td({}, { readonlyRootFilesystem: false })).verdict, 'FAIL');
    assert.equal(readonly.task(td({}, {})).verdict, 'FAIL');
    assert.equal(readonly.task(td({ runtimePlatform: { operatingSystemFamily: 'WINDOWS_SERVER_2019_FULL' } }, {})).verdict, 'FAIL');
  });
});

describe('ecs_task_definitions_host_namespace_not_shared', () => {
  it('pidMode host: FAIL; task or absent: PASS; ipcMode is not read', () => {
    assert.equal(namespace.task(td({ pidMode: 'host' }, {})).verdict, 'FAIL');
    assert.equal(namespace.task(td({ pidMode: 'task' }, {})).verdict, 'PASS');
    assert.equal(namespace.task(td({}, {})).verdict, 'PASS');
    assert.match(namespace.task(td({ ipcMode: 'host' }, {})).why, /reads pidMode only, so ipcMode "host" passes/);
  });
});

describe('ecs_task_definitions_logging_enabled', () => {
  it('a log driver on every container: PASS; one without: FAIL', () => {
    assert.equal(logging.task(td({}, { logConfiguration: { logDriver: 'awslogs' } })).verdict, 'PASS');
    assert.equal(logging.task(td({}, { logConfiguration: { logDriver: 'awslogs' } }, {})).verdict, 'FAIL');
    assert.equal(logging.task(td({}, { logConfiguration: { options: {} } })).verdict, 'FAIL');
  });
});

describe('ecs_task_definitions_no_environment_secrets', () => {
  it('no environment: PASS; a key format: FAIL; otherwise its detectors decide', () => {
    assert.equal(secrets.task(td({}, {})).verdict, 'PASS');
    assert.equal(secrets.task(td({}, { environment: [{ name: 'DB', value: 'AKIAIOSFODNN7EXAMPLE' }] })).verdict, 'FAIL');
    assert.equal(secrets.task(td({}, { environment: [{ name: 'DB_PASSWORD', value: 'hunter2' }] })).verdict, 'NOT_EVALUATED');
  });
});
