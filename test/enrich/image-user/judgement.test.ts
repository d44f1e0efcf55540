import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { noRootUser } from '../../../src/checks/no-root-user.js';
import { taskPlatform } from '../../../src/enrich/image-user/platform.js';
import type { ImageUserFact } from '../../../src/model/effective-user.js';
import { normalizeTaskDefinition } from '../../../src/model/task-definition.js';
import { type ObjectNode, type ValueNode, fromPlain } from '../../../src/model/value.js';

const DIGEST = `sha256:${'5e'.repeat(32)}`;
const IMAGE = 'registry.example.com/team/app:2.4';
const SHOWN = `image ${IMAGE} (${DIGEST})`;
const STRICT = "strict semantics require the task definition to set it (--accept-image-user lets the image's user count)";

const image = (user: string, acceptImageUser = false): ImageUserFact => ({
  kind: 'image',
  image: IMAGE,
  digest: DIGEST,
  user,
  acceptImageUser,
});

/** The check alone, with the fact the resolver would have added: no registry, no fetch. */
function judge(
  container: Record<string, unknown>,
  fact: ImageUserFact | undefined,
  extra: Record<string, unknown> = {},
  userNode?: ValueNode,
) {
  const body = fromPlain({ family: 'app', ...extra, containerDefinitions: [{ name: 'app', image: IMAGE, ...container }] }) as ObjectNode;
  if (userNode) {
    const first = (body.entries.find((e) => e.key === 'containerDefinitions')!.value as { items: ObjectNode[] }).items[0]!;
    first.entries.push({ key: 'user', sourceKey: 'User', value: userNode });
  }
  const { taskDefinition } = normalizeTaskDefinition({ kind: 'file', source: 'json', id: 'app' }, body);
  if (fact) taskDefinition!.containers[0]!.imageUser = fact;
  return noRootUser.evaluate(taskDefinition!).map((v) => ({ status: v.status, message: v.message, effectiveUser: v.effectiveUser }));
}

describe('no-root-user reads the image-user fact (pure)', () => {
  const table: Array<
    [string, Record<string, unknown>, ImageUserFact | undefined, Record<string, unknown>, string | undefined, string | undefined]
  > = [
    // name, container, fact, task fields, expected status (undefined: no finding), expected message
    ['image with no USER, strict', {}, image(''), {}, 'FAIL', `user is not set; ${SHOWN} sets no USER, so it runs as root (uid 0)`],
    ['image USER root, accepted', {}, image('root', true), {}, 'FAIL', `user is not set; ${SHOWN} runs as "root", which is the root user`],
    ['image USER +0, accepted', {}, image('+0', true), {}, 'FAIL', `user is not set; ${SHOWN} runs as "+0", which is uid 0 (root)`],
    [
      'image USER 0:1000, accepted',
      {},
      image('0:1000', true),
      {},
      'FAIL',
      `user is not set; ${SHOWN} runs as "0:1000", which is uid 0 (root)`,
    ],
    [
      'image USER :1000 (group only), accepted',
      {},
      image(':1000', true),
      {},
      'FAIL',
      `user is not set; ${SHOWN} runs as ":1000", which sets only a group, so the container runs as the image's default user, which is ` +
        `root unless the image sets USER`,
    ],
    [
      'image USER 65532, strict',
      {},
      image('65532'),
      {},
      'FAIL',
      `user is not set; ${SHOWN} runs as "65532": effective non-root, but ${STRICT}`,
    ],
    [
      'image USER 65532, accepted',
      {},
      image('65532', true),
      {},
      'NOTE',
      `user is not set; ${SHOWN} runs as "65532": effective non-root (accepted by --accept-image-user)`,
    ],
    [
      'empty user, image non-root, accepted',
      { user: '' },
      image('app', true),
      {},
      'NOTE',
      `user is empty; ${SHOWN} runs as "app": effective non-root (accepted by --accept-image-user)`,
    ],
    [
      'group-only user, image non-root, accepted',
      { user: ':1000' },
      image('1000', true),
      {},
      'NOTE',
      `user ":1000" sets only a group; ${SHOWN} runs as "1000": effective non-root (accepted by --accept-image-user)`,
    ],
    [
      'image USER 1000:0 keeps the root-group note',
      {},
      image('1000:0', true),
      {},
      'NOTE',
      `user is not set; ${SHOWN} runs as "1000:0": effective non-root (accepted by --accept-image-user); user "1000:0" is not root, but ` +
        `its group is root (gid 0): files owned by group root are open to it`,
    ],
    [
      'Windows image with no USER',
      {},
      image('', true),
      { runtimePlatform: { operatingSystemFamily: 'WINDOWS_SERVER_2022_CORE' } },
      'FAIL',
      `user is not set; ${SHOWN} sets no USER, so it runs as ContainerAdministrator`,
    ],
    [
      'Windows image USER ContainerUser, accepted',
      {},
      image('ContainerUser', true),
      { runtimePlatform: { operatingSystemFamily: 'WINDOWS_SERVER_2022_CORE' } },
      'NOTE',
      `user is not set; ${SHOWN} runs as "ContainerUser": effective non-root (accepted by --accept-image-user)`,
    ],
    [
      'unreadable image, accepted: still FAIL',
      {},
      {
        kind: 'unresolved',
        image: IMAGE,
        reason: `image ${IMAGE} could not be read: registry.example.com did not answer within 15000 ms`,
        acceptImageUser: true,
      },
      {},
      'FAIL',
      `user is not set, so the container runs as the image's default user, which is root unless the image sets USER; the image's user is ` +
        `unknown: image ${IMAGE} could not be read: registry.example.com did not answer within 15000 ms`,
    ],
    [
      'image expression, strict: FAIL',
      {},
      { kind: 'unresolved', expression: 'var.image', reason: 'image is var.image, which cannot be resolved', acceptImageUser: false },
      {},
      'FAIL',
      `user is not set, so the container runs as the image's default user, which is root unless the image sets USER; the image's user is ` +
        `unknown: image is var.image, which cannot be resolved`,
    ],
    [
      'image expression, accepted: UNKNOWN',
      {},
      { kind: 'unresolved', expression: 'var.image', reason: 'image is var.image, which cannot be resolved', acceptImageUser: true },
      {},
      'UNKNOWN',
      `user is not set and image is var.image, which cannot be resolved, so the image's user is unknown`,
    ],
    ['user set to root in the task definition', { user: '0' }, { kind: 'task-definition' }, {}, 'FAIL', 'user "0" is uid 0 (root)'],
    ['user set to non-root in the task definition', { user: '1000' }, { kind: 'task-definition' }, {}, undefined, undefined],
  ];
  for (const [name, container, fact, extra, status, message] of table) {
    it(name, () => {
      const findings = judge(container, fact, extra);
      if (status === undefined) {
        assert.deepEqual(findings, []);
        return;
      }
      assert.equal(findings.length, 1);
      assert.equal(findings[0]!.status, status);
      assert.equal(findings[0]!.message, `container "app": ${message}`);
    });
  }

  it('carries effectiveUser: from the image, unresolved, or the task definition', () => {
    assert.deepEqual(judge({}, image('65532'))[0]!.effectiveUser, {
      value: '65532',
      source: `image ${IMAGE}@${DIGEST}`,
      reason: `user is not set; ${SHOWN} runs as "65532": effective non-root, but ${STRICT}`,
    });
    assert.deepEqual(judge({}, { kind: 'unresolved', image: IMAGE, reason: 'why', acceptImageUser: false })[0]!.effectiveUser, {
      value: null,
      source: 'unresolved',
      reason: 'why',
    });
    assert.deepEqual(judge({ user: 'root' }, { kind: 'task-definition' })[0]!.effectiveUser, {
      value: 'root',
      source: 'task definition',
      reason: 'user "root" is the root user',
    });
    assert.equal(judge({}, undefined)[0]!.effectiveUser, undefined, 'no resolver, no effectiveUser');
  });

  it('a conditional user (CloudFormation !If with AWS::NoValue) is judged per branch with the image fact', () => {
    const user: ValueNode = {
      kind: 'conditional',
      condition: 'IsProd',
      whenTrue: { kind: 'string', value: '1000' },
      whenFalse: { kind: 'null' },
    };
    const findings = judge({}, image('', true), {}, user);
    assert.deepEqual(
      findings.map((f) => [f.status, f.message]),
      [['FAIL', `container "app": user is not set; ${SHOWN} sets no USER, so it runs as root (uid 0) when condition IsProd is false`]],
    );
    assert.equal(judge({}, image('nobody', true), {}, user)[0]!.status, 'NOTE');
  });

  it('takes the platform from runtimePlatform (default linux/amd64; an expression is kept)', () => {
    const td = (runtimePlatform: unknown) =>
      normalizeTaskDefinition(
        { kind: 'file', source: 'json', id: 'x' },
        fromPlain({
          family: 'x',
          ...(runtimePlatform ? { runtimePlatform } : {}),
          containerDefinitions: [{ name: 'a', image: 'a' }],
        }) as ObjectNode,
      ).taskDefinition!;
    assert.deepEqual(taskPlatform(td(undefined)), { os: 'linux', architecture: 'amd64' });
    assert.deepEqual(taskPlatform(td({ cpuArchitecture: 'ARM64', operatingSystemFamily: 'LINUX' })), {
      os: 'linux',
      architecture: 'arm64',
    });
    assert.deepEqual(taskPlatform(td({ operatingSystemFamily: 'WINDOWS_SERVER_2019_FULL', cpuArchitecture: 'X86_64' })), {
      os: 'windows',
      architecture: 'amd64',
    });
    const unresolved = td({ cpuArchitecture: 'x' });
    const runtime = unresolved.body.entries.find((e) => e.key === 'runtimePlatform')!.value as ObjectNode;
    runtime.entries[0]!.value = { kind: 'unresolved', expression: 'var.arch' };
    assert.deepEqual(taskPlatform(unresolved), {
      os: 'linux',
      architecture: 'amd64',
      unresolved: 'runtimePlatform.cpuArchitecture is var.arch',
    });
  });
});
