import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hostNetworkNoPrivilege } from '../../src/checks/host-network-no-privilege.js';
import { hostNetworkNonrootUser } from '../../src/checks/host-network-nonroot-user.js';
import { noHostNetwork } from '../../src/checks/no-host-network.js';
import { noPrivilegedContainers } from '../../src/checks/no-privileged-containers.js';
import { noRootUser } from '../../src/checks/no-root-user.js';
import type { Check } from '../../src/checks/types.js';
import type { TaskDefinition } from '../../src/model/task-definition.js';
import { bool, conditional, str, taskDefinition, unresolved, withContainerField } from '../support/task-definitions.js';

const summary = (check: Check, td: TaskDefinition) =>
  check.evaluate(td).map((v) => ({ status: v.status, field: v.field, message: v.message }));

const web = (fields: Record<string, unknown> = {}) => ({ name: 'web', image: 'nginx', ...fields });

describe('messages say exactly why', () => {
  it('uid 0 with a group', () => {
    const td = taskDefinition({ family: 'f', containerDefinitions: [web({ user: '0:0' })] });
    assert.deepEqual(summary(noRootUser, td), [
      { status: 'FAIL', field: 'containerDefinitions[0].user', message: 'container "web": user "0:0" is uid 0 (root)' },
    ]);
  });

  it('root by name', () => {
    const td = taskDefinition({ family: 'f', containerDefinitions: [web({ user: 'root:root' })] });
    assert.equal(noRootUser.evaluate(td)[0]?.message, 'container "web": user "root:root" is the root user');
  });

  it('absent user explains the image default', () => {
    const td = taskDefinition({ family: 'f', containerDefinitions: [web()] });
    assert.equal(
      noRootUser.evaluate(td)[0]?.message,
      'container "web": user is not set, so the container runs as the image\'s default user, which is root unless the image sets USER',
    );
  });

  it('an absent user on Windows names the Windows default account', () => {
    const td = taskDefinition({
      family: 'f',
      runtimePlatform: { operatingSystemFamily: 'WINDOWS_SERVER_2019_FULL' },
      containerDefinitions: [web()],
    });
    assert.equal(
      noRootUser.evaluate(td)[0]?.message,
      'container "web": user is not set, so the container runs as the image\'s default user, which is ContainerAdministrator unless the ' +
        'image sets USER',
    );
  });

  it('a group-only user keeps the default uid', () => {
    const td = taskDefinition({ family: 'f', containerDefinitions: [web({ user: ':1000' })] });
    assert.equal(
      noRootUser.evaluate(td)[0]?.message,
      'container "web": user ":1000" sets only a group, so the container runs as the image\'s default user, which is root unless the ' +
        'image sets USER',
    );
  });

  it('root group is a note, not a failure', () => {
    const td = taskDefinition({ family: 'f', containerDefinitions: [web({ user: '1000:0' })] });
    assert.deepEqual(summary(noRootUser, td), [
      {
        status: 'NOTE',
        field: 'containerDefinitions[0].user',
        message: 'container "web": user "1000:0" is not root, but its group is root (gid 0): files owned by group root are open to it',
      },
    ]);
  });

  it('host mode with privileged and root names both reasons', () => {
    const td = taskDefinition({ family: 'f', networkMode: 'host', containerDefinitions: [web({ privileged: true, user: '0' })] });
    assert.deepEqual(summary(hostNetworkNoPrivilege, td), [
      {
        status: 'FAIL',
        field: 'containerDefinitions[0].privileged',
        message: 'container "web": in host network mode, privileged is true and user "0" is uid 0 (root)',
      },
    ]);
  });

  it('host mode, absent user passes CIS 3.1 but fails the non-root check', () => {
    const td = taskDefinition({ family: 'f', networkMode: 'host', containerDefinitions: [web()] });
    assert.deepEqual(summary(hostNetworkNoPrivilege, td), []);
    assert.equal(summary(hostNetworkNonrootUser, td)[0]?.status, 'FAIL');
  });

  it('one finding per failing container, none for passing ones', () => {
    const td = taskDefinition({
      family: 'f',
      containerDefinitions: [
        web({ privileged: true }),
        { name: 'sidecar', image: 'x', privileged: false },
        { name: 'db', image: 'y', privileged: true },
      ],
    });
    assert.deepEqual(
      noPrivilegedContainers.evaluate(td).map((v) => [v.container?.name, v.message]),
      [
        ['web', 'container "web": privileged is true'],
        ['db', 'container "db": privileged is true'],
      ],
    );
  });

  it('no-host-network is one task-level finding', () => {
    const td = taskDefinition({ family: 'f', networkMode: 'host', containerDefinitions: [web(), web({ name: 'b' })] });
    assert.deepEqual(summary(noHostNetwork, td), [{ status: 'FAIL', field: 'networkMode', message: 'networkMode is "host"' }]);
  });
});

describe('UNKNOWN when a deciding value cannot be resolved', () => {
  it('unresolved user', () => {
    const td = withContainerField(
      taskDefinition({ family: 'f', containerDefinitions: [web()] }),
      0,
      'user',
      unresolved('var.container_user'),
    );
    assert.deepEqual(summary(noRootUser, td), [
      {
        status: 'UNKNOWN',
        field: 'containerDefinitions[0].user',
        message: 'container "web": user is var.container_user, which cannot be resolved',
      },
    ]);
  });

  it('unresolved privileged', () => {
    const td = withContainerField(
      taskDefinition({ family: 'f', containerDefinitions: [web()] }),
      0,
      'privileged',
      unresolved('!Ref Privileged'),
    );
    assert.equal(
      summary(noPrivilegedContainers, td)[0]?.message,
      'container "web": privileged is !Ref Privileged, which cannot be resolved',
    );
    assert.equal(summary(noPrivilegedContainers, td)[0]?.status, 'UNKNOWN');
  });

  it('unresolved network mode only matters when the container would fail in host mode', () => {
    const td = taskDefinition({ family: 'f', containerDefinitions: [web({ user: 'root' }), { name: 'ok', image: 'x', user: '1000' }] });
    td.networkMode = unresolved('var.network_mode');
    assert.deepEqual(summary(hostNetworkNonrootUser, td), [
      {
        status: 'UNKNOWN',
        field: 'networkMode',
        message: 'container "web": user "root" is the root user, and networkMode is var.network_mode, which cannot be resolved',
      },
    ]);
    assert.deepEqual(summary(noHostNetwork, td), [
      { status: 'UNKNOWN', field: 'networkMode', message: 'networkMode is var.network_mode, which cannot be resolved' },
    ]);
  });

  it('a root user fails host-network-no-privilege even when privileged is unresolved', () => {
    const td = withContainerField(
      taskDefinition({ family: 'f', networkMode: 'host', containerDefinitions: [web({ user: 'root' })] }),
      0,
      'privileged',
      unresolved('var.privileged'),
    );
    assert.equal(summary(hostNetworkNoPrivilege, td)[0]?.status, 'FAIL');
  });

  it('an unresolved operating system family is UNKNOWN only when Linux and Windows disagree', () => {
    const td = taskDefinition({ family: 'f', containerDefinitions: [web({ user: '0' }), { name: 'none', image: 'x' }] });
    td.operatingSystemFamily = unresolved('var.os_family');
    assert.deepEqual(
      summary(noRootUser, td).map((v) => [v.status, v.field]),
      [
        ['UNKNOWN', 'runtimePlatform.operatingSystemFamily'],
        ['FAIL', 'containerDefinitions[1].user'],
      ],
    );
  });

  it('an unresolved container list makes every container check UNKNOWN', () => {
    const td = taskDefinition({ family: 'f', containerDefinitions: [web({ user: '1000' })] });
    td.containers = [];
    td.unresolvedContainers = unresolved('module.app.container_definitions');
    assert.deepEqual(summary(noRootUser, td), [
      {
        status: 'UNKNOWN',
        field: 'containerDefinitions',
        message: 'container definitions are module.app.container_definitions, which cannot be resolved',
      },
    ]);
  });
});

describe('conditional values: both branches are checked', () => {
  it('fails when one branch fails, naming the condition', () => {
    const td = withContainerField(
      taskDefinition({ family: 'f', containerDefinitions: [web({ user: '1000' })] }),
      0,
      'privileged',
      conditional('UseHostDevices', bool(true), bool(false)),
    );
    assert.deepEqual(summary(noPrivilegedContainers, td), [
      {
        status: 'FAIL',
        field: 'containerDefinitions[0].privileged',
        message: 'container "web": privileged is true when condition UseHostDevices is true',
      },
    ]);
  });

  it('passes when both branches pass', () => {
    const td = withContainerField(
      taskDefinition({ family: 'f', containerDefinitions: [web()] }),
      0,
      'user',
      conditional('IsProd', str('1000:1000'), str('app')),
    );
    assert.deepEqual(summary(noRootUser, td), []);
  });

  it('contradictory branches of the same condition are never combined', () => {
    // networkMode is host only when IsLegacy is true; user is root only when IsLegacy is false.
    const td = withContainerField(
      taskDefinition({ family: 'f', containerDefinitions: [web()] }),
      0,
      'user',
      conditional('IsLegacy', str('1000'), str('root')),
    );
    td.networkMode = conditional('IsLegacy', str('host'), str('awsvpc'));
    assert.deepEqual(summary(hostNetworkNonrootUser, td), []);
    assert.equal(summary(noHostNetwork, td)[0]?.message, 'networkMode is "host" when condition IsLegacy is true');
  });
});
