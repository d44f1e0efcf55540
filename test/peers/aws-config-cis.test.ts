/**
 * AWS Config managed rules and Security Hub controls, from their documented
 * conditions (docs.aws.amazon.com/config/latest/developerguide/<rule>.html and
 * securityhub/latest/userguide/ecs-controls.html), and CIS AWS Compute v1.1.0
 * section 3 audit text. Cases where the documentation is silent are
 * NOT_EVALUATED, and these tests hold the functions to that.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as config from '../../src/peers/aws-config.js';
import { cis31, cis34, cis37 } from '../../src/peers/cis.js';
import { taskDefinition } from '../support/task-definitions.js';

const td = (task: Record<string, unknown>, ...containers: Array<Record<string, unknown>>) =>
  taskDefinition({ family: 'web', ...task, containerDefinitions: containers.map((c, i) => ({ name: `c${i}`, image: 'app', ...c })) });
const verdict = (rule: { task: (t: ReturnType<typeof td>) => { verdict: string } }, t: ReturnType<typeof td>) => rule.task(t).verdict;

describe('ecs-task-definition-user-for-host-mode-check (retired ECS.1)', () => {
  it('"COMPLIANT if network mode is not host, or privileged=true, or a user that is not the root"', () => {
    assert.equal(verdict(config.ecsTaskDefinitionUserForHostModeCheck, td({ networkMode: 'awsvpc' }, {})), 'PASS');
    assert.equal(
      verdict(config.ecsTaskDefinitionUserForHostModeCheck, td({ networkMode: 'host' }, { privileged: true, user: 'root' })),
      'PASS',
    );
    assert.equal(verdict(config.ecsTaskDefinitionUserForHostModeCheck, td({ networkMode: 'host' }, { user: 'appuser' })), 'PASS');
  });
  it('"NON_COMPLIANT if … privileged=false (or is null) AND user=root (or is null)"', () => {
    assert.equal(
      verdict(config.ecsTaskDefinitionUserForHostModeCheck, td({ networkMode: 'host' }, { privileged: false, user: 'root' })),
      'FAIL',
    );
    assert.equal(verdict(config.ecsTaskDefinitionUserForHostModeCheck, td({ networkMode: 'host' }, {})), 'FAIL');
  });
  it('undocumented: "0" and "0:0"', () => {
    assert.equal(verdict(config.ecsTaskDefinitionUserForHostModeCheck, td({ networkMode: 'host' }, { user: '0' })), 'NOT_EVALUATED');
    assert.equal(verdict(config.ecsTaskDefinitionUserForHostModeCheck, td({ networkMode: 'host' }, { user: '0:0' })), 'NOT_EVALUATED');
  });
});

describe('ECS.20 ecs-task-definition-linux-user-non-root and ECS.21 ecs-task-definition-windows-user-non-admin', () => {
  it('"The default root users for LINUX containers are "root" and "0"", absent fails', () => {
    assert.equal(verdict(config.ecsTaskDefinitionLinuxUserNonRoot, td({}, { user: 'root' })), 'FAIL');
    assert.equal(verdict(config.ecsTaskDefinitionLinuxUserNonRoot, td({}, { user: '0' })), 'FAIL');
    assert.equal(verdict(config.ecsTaskDefinitionLinuxUserNonRoot, td({}, {})), 'FAIL');
    assert.equal(verdict(config.ecsTaskDefinitionLinuxUserNonRoot, td({}, { user: '1000:1000' })), 'PASS');
    assert.equal(verdict(config.ecsTaskDefinitionLinuxUserNonRoot, td({}, { user: '0:0' })), 'NOT_EVALUATED');
    assert.equal(
      verdict(config.ecsTaskDefinitionLinuxUserNonRoot, td({ runtimePlatform: { operatingSystemFamily: 'WINDOWS_SERVER_2022_FULL' } }, {})),
      'NOT_APPLICABLE',
    );
  });
  it('ECS.21 applies to Windows or unset families; "containeradministrator" and absent fail', () => {
    const windows = { runtimePlatform: { operatingSystemFamily: 'WINDOWS_SERVER_2022_FULL' } };
    assert.equal(verdict(config.ecsTaskDefinitionWindowsUserNonAdmin, td(windows, { user: 'containeradministrator' })), 'FAIL');
    assert.equal(verdict(config.ecsTaskDefinitionWindowsUserNonAdmin, td(windows, {})), 'FAIL');
    assert.equal(verdict(config.ecsTaskDefinitionWindowsUserNonAdmin, td(windows, { user: 'ContainerUser' })), 'PASS');
    assert.equal(verdict(config.ecsTaskDefinitionWindowsUserNonAdmin, td(windows, { user: 'ContainerAdministrator' })), 'NOT_EVALUATED');
    assert.equal(verdict(config.ecsTaskDefinitionWindowsUserNonAdmin, td({}, { user: '1000' })), 'PASS');
    assert.equal(
      verdict(config.ecsTaskDefinitionWindowsUserNonAdmin, td({ runtimePlatform: { operatingSystemFamily: 'LINUX' } }, {})),
      'NOT_APPLICABLE',
    );
  });
});

describe('the other managed rules', () => {
  it('ECS.4: fails privileged true only', () => {
    assert.equal(verdict(config.ecsContainersNonprivileged, td({}, { privileged: true })), 'FAIL');
    assert.equal(verdict(config.ecsContainersNonprivileged, td({}, {})), 'PASS');
  });
  it('ECS.5: false or absent fails; Windows is NOT_APPLICABLE', () => {
    assert.equal(verdict(config.ecsContainersReadonlyAccess, td({}, {})), 'FAIL');
    assert.equal(verdict(config.ecsContainersReadonlyAccess, td({}, { readonlyRootFilesystem: false })), 'FAIL');
    assert.equal(verdict(config.ecsContainersReadonlyAccess, td({}, { readonlyRootFilesystem: true })), 'PASS');
    assert.equal(
      verdict(config.ecsContainersReadonlyAccess, td({ runtimePlatform: { operatingSystemFamily: 'WINDOWS_SERVER_2019_CORE' } }, {})),
      'NOT_APPLICABLE',
    );
  });
  it('ECS.3, ECS.17: pidMode and networkMode "host"', () => {
    assert.equal(verdict(config.ecsTaskDefinitionPidModeCheck, td({ pidMode: 'host' }, {})), 'FAIL');
    assert.equal(verdict(config.ecsTaskDefinitionPidModeCheck, td({ pidMode: 'task' }, {})), 'PASS');
    assert.equal(verdict(config.ecsTaskDefinitionNetworkModeNotHost, td({ networkMode: 'host' }, {})), 'FAIL');
    assert.equal(verdict(config.ecsTaskDefinitionNetworkModeNotHost, td({ networkMode: 'awsvpc' }, {})), 'PASS');
  });
  it('ECS.8: the secretKeys names only, never values', () => {
    assert.equal(verdict(config.ecsNoEnvironmentSecrets, td({}, { environment: [{ name: 'AWS_SECRET_ACCESS_KEY', value: 'x' }] })), 'FAIL');
    assert.equal(verdict(config.ecsNoEnvironmentSecrets, td({}, { environment: [{ name: 'DB_PASSWORD', value: 'hunter2' }] })), 'PASS');
  });
  it('ECS.9: logConfiguration undefined or without logDriver fails', () => {
    assert.equal(verdict(config.ecsTaskDefinitionLogConfiguration, td({}, {})), 'FAIL');
    assert.equal(verdict(config.ecsTaskDefinitionLogConfiguration, td({}, { logConfiguration: { options: {} } })), 'FAIL');
    assert.equal(verdict(config.ecsTaskDefinitionLogConfiguration, td({}, { logConfiguration: { logDriver: 'awslogs' } })), 'PASS');
  });
  it('ECS.18: "an EFS volume without transit encryption enabled" fails', () => {
    const efs = (transitEncryption?: string) => ({
      volumes: [{ name: 'data', efsVolumeConfiguration: { fileSystemId: 'fs-1', ...(transitEncryption ? { transitEncryption } : {}) } }],
    });
    assert.equal(verdict(config.ecsTaskDefinitionEfsEncryptionEnabled, td(efs('ENABLED'), {})), 'PASS');
    assert.equal(verdict(config.ecsTaskDefinitionEfsEncryptionEnabled, td(efs('DISABLED'), {})), 'FAIL');
    assert.equal(verdict(config.ecsTaskDefinitionEfsEncryptionEnabled, td(efs(), {})), 'FAIL');
  });
});

describe('CIS AWS Compute v1.1.0', () => {
  it('3.1: in host mode, privileged fails; user root fails; absent user passes ("or is absent")', () => {
    assert.equal(verdict(cis31, td({ networkMode: 'host' }, { privileged: true, user: 'app' })), 'FAIL');
    assert.equal(verdict(cis31, td({ networkMode: 'host' }, { user: 'root' })), 'FAIL');
    assert.equal(verdict(cis31, td({ networkMode: 'host' }, {})), 'PASS');
    assert.equal(verdict(cis31, td({ networkMode: 'host' }, { user: '0' })), 'NOT_EVALUATED');
    assert.equal(verdict(cis31, td({ networkMode: 'bridge' }, { privileged: true })), 'PASS');
  });
  it('3.4 and 3.7', () => {
    assert.equal(verdict(cis34, td({}, { privileged: true })), 'FAIL');
    assert.equal(verdict(cis34, td({}, {})), 'PASS');
    assert.equal(verdict(cis37, td({}, {})), 'FAIL');
    assert.equal(verdict(cis37, td({}, { logConfiguration: { logDriver: 'splunk' } })), 'PASS');
  });
});
