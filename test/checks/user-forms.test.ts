import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CHECKS } from '../../src/checks/catalogue.js';
import { taskDefinition } from '../support/task-definitions.js';

type Verdict = 'FAIL' | 'PASS' | 'NOTE';

/** Status of each check for one container, in catalogue order. */
function verdicts(plain: Record<string, unknown>): Record<string, Verdict> {
  const td = taskDefinition(plain);
  return Object.fromEntries(
    CHECKS.map((check) => {
      const statuses = check.evaluate(td).map((v) => v.status);
      const status: Verdict = statuses.includes('FAIL') ? 'FAIL' : statuses.includes('NOTE') ? 'NOTE' : 'PASS';
      return [check.meta.id, status];
    }),
  );
}

function container(fields: Record<string, unknown>) {
  return { name: 'web', image: 'nginx:1.27', ...fields };
}

// Columns: no-privileged-containers, no-root-user, host-network-nonroot-user, host-network-no-privilege, no-host-network
const USER_FORMS_IN_HOST_MODE: Array<[string, unknown, Verdict[]]> = [
  ['absent', undefined, ['PASS', 'FAIL', 'FAIL', 'PASS', 'FAIL']],
  ['empty', '', ['PASS', 'FAIL', 'FAIL', 'PASS', 'FAIL']],
  ['whitespace', '  ', ['PASS', 'FAIL', 'FAIL', 'PASS', 'FAIL']],
  ['root', 'root', ['PASS', 'FAIL', 'FAIL', 'FAIL', 'FAIL']],
  ['0', '0', ['PASS', 'FAIL', 'FAIL', 'FAIL', 'FAIL']],
  ['00', '00', ['PASS', 'FAIL', 'FAIL', 'FAIL', 'FAIL']],
  ['0:0', '0:0', ['PASS', 'FAIL', 'FAIL', 'FAIL', 'FAIL']],
  ['0:1000', '0:1000', ['PASS', 'FAIL', 'FAIL', 'FAIL', 'FAIL']],
  ['root:root', 'root:root', ['PASS', 'FAIL', 'FAIL', 'FAIL', 'FAIL']],
  ['root:1000', 'root:1000', ['PASS', 'FAIL', 'FAIL', 'FAIL', 'FAIL']],
  ['1000', '1000', ['PASS', 'PASS', 'PASS', 'PASS', 'FAIL']],
  ['1000:1000', '1000:1000', ['PASS', 'PASS', 'PASS', 'PASS', 'FAIL']],
  ['appuser', 'appuser', ['PASS', 'PASS', 'PASS', 'PASS', 'FAIL']],
  ['1000:0 (root group only)', '1000:0', ['PASS', 'NOTE', 'NOTE', 'NOTE', 'FAIL']],
  ['1000:root (root group only)', '1000:root', ['PASS', 'NOTE', 'NOTE', 'NOTE', 'FAIL']],
  ['ROOT (case differs)', 'ROOT', ['PASS', 'NOTE', 'NOTE', 'NOTE', 'FAIL']],
  ['10 (non-zero number)', '10', ['PASS', 'PASS', 'PASS', 'PASS', 'FAIL']],
  ['numeric 0 (YAML number)', 0, ['PASS', 'FAIL', 'FAIL', 'FAIL', 'FAIL']],
  ['+0 (runtimes accept a sign)', '+0', ['PASS', 'FAIL', 'FAIL', 'FAIL', 'FAIL']],
  ['-0:1000', '-0:1000', ['PASS', 'FAIL', 'FAIL', 'FAIL', 'FAIL']],
  [':1000 (group only: default uid)', ':1000', ['PASS', 'FAIL', 'FAIL', 'PASS', 'FAIL']],
  [':0 (group only: default uid)', ':0', ['PASS', 'FAIL', 'FAIL', 'PASS', 'FAIL']],
  ['" root" (padded: no such user)', ' root', ['PASS', 'NOTE', 'NOTE', 'NOTE', 'FAIL']],
  ['"1000 " (padded)', '1000 ', ['PASS', 'NOTE', 'NOTE', 'NOTE', 'FAIL']],
];

const IDS = CHECKS.map((c) => c.meta.id);

describe('every user form in host network mode', () => {
  for (const [label, user, expected] of USER_FORMS_IN_HOST_MODE) {
    it(`user ${label}`, () => {
      const fields = user === undefined ? {} : { user };
      assert.deepEqual(
        verdicts({ family: 'f', networkMode: 'host', containerDefinitions: [container(fields)] }),
        Object.fromEntries(IDS.map((id, i) => [id, expected[i]])),
      );
    });
  }
});

describe('every network mode', () => {
  const rootUser = { user: 'root' };
  const cases: Array<[string, string | undefined, Verdict[]]> = [
    ['host', 'host', ['PASS', 'FAIL', 'FAIL', 'FAIL', 'FAIL']],
    ['HOST (any case)', 'HOST', ['PASS', 'FAIL', 'FAIL', 'FAIL', 'FAIL']],
    ['awsvpc', 'awsvpc', ['PASS', 'FAIL', 'PASS', 'PASS', 'PASS']],
    ['bridge', 'bridge', ['PASS', 'FAIL', 'PASS', 'PASS', 'PASS']],
    ['none', 'none', ['PASS', 'FAIL', 'PASS', 'PASS', 'PASS']],
    ['absent (default is not host)', undefined, ['PASS', 'FAIL', 'PASS', 'PASS', 'PASS']],
  ];
  for (const [label, networkMode, expected] of cases) {
    it(`networkMode ${label} with a root user`, () => {
      const plain: Record<string, unknown> = { family: 'f', containerDefinitions: [container(rootUser)] };
      if (networkMode !== undefined) plain.networkMode = networkMode;
      assert.deepEqual(verdicts(plain), Object.fromEntries(IDS.map((id, i) => [id, expected[i]])));
    });
  }
});

describe('privileged forms', () => {
  const cases: Array<[string, unknown, string, Verdict[]]> = [
    ['true in host mode with a non-root user', true, 'host', ['FAIL', 'PASS', 'PASS', 'FAIL', 'FAIL']],
    ['"true" string (CloudFormation)', 'true', 'host', ['FAIL', 'PASS', 'PASS', 'FAIL', 'FAIL']],
    ['"TRUE" string', 'TRUE', 'awsvpc', ['FAIL', 'PASS', 'PASS', 'PASS', 'PASS']],
    ['false', false, 'host', ['PASS', 'PASS', 'PASS', 'PASS', 'FAIL']],
    ['"false" string', 'false', 'host', ['PASS', 'PASS', 'PASS', 'PASS', 'FAIL']],
    ['true outside host mode', true, 'bridge', ['FAIL', 'PASS', 'PASS', 'PASS', 'PASS']],
  ];
  for (const [label, privileged, networkMode, expected] of cases) {
    it(`privileged ${label}`, () => {
      assert.deepEqual(
        verdicts({ family: 'f', networkMode, containerDefinitions: [container({ privileged, user: '1000:1000' })] }),
        Object.fromEntries(IDS.map((id, i) => [id, expected[i]])),
      );
    });
  }

  it('privileged true does not make a root container compliant in host mode (unlike AWS Config and Prowler)', () => {
    const v = verdicts({ family: 'f', networkMode: 'host', containerDefinitions: [container({ privileged: true, user: 'root' })] });
    assert.equal(v['host-network-nonroot-user'], 'FAIL');
    assert.equal(v['host-network-no-privilege'], 'FAIL');
  });
});

describe('Windows task definitions', () => {
  const windows = (user: unknown) => {
    const fields = user === undefined ? {} : { user };
    return verdicts({
      family: 'win',
      runtimePlatform: { operatingSystemFamily: 'WINDOWS_SERVER_2022_CORE', cpuArchitecture: 'X86_64' },
      containerDefinitions: [container(fields)],
    })['no-root-user'];
  };
  it('ContainerAdministrator (any case) is root', () => {
    assert.equal(windows('ContainerAdministrator'), 'FAIL');
    assert.equal(windows('containeradministrator'), 'FAIL');
    assert.equal(windows('CONTAINERADMINISTRATOR'), 'FAIL');
  });
  it('an absent user fails', () => {
    assert.equal(windows(undefined), 'FAIL');
  });
  it('ContainerUser passes', () => {
    assert.equal(windows('ContainerUser'), 'PASS');
  });
  it('other administrative accounts are a note, not a failure', () => {
    assert.equal(windows('Administrator'), 'NOTE');
    assert.equal(windows('NT AUTHORITY\\SYSTEM'), 'NOTE');
  });
  it('a Linux uid 0 means nothing on Windows', () => {
    assert.equal(windows('0'), 'PASS');
  });
  it('LINUX operating system family uses the Linux rules', () => {
    const v = verdicts({
      family: 'l',
      runtimePlatform: { operatingSystemFamily: 'LINUX' },
      containerDefinitions: [container({ user: '0' })],
    });
    assert.equal(v['no-root-user'], 'FAIL');
  });
});
