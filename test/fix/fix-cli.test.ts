import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from '../support/cli.js';
import { workspace } from './helpers.js';

/** Runs `ecsguard` in `cwd`, in this process. */
function ecsguard(args: string[], cwd: string) {
  return runCli(args, { cwd });
}

const BAD = JSON.stringify({ family: 'web', containerDefinitions: [{ name: 'web', image: 'nginx', privileged: true }] }, null, 2) + '\n';

describe('ecsguard fix (CLI)', () => {
  it('dry run: prints the diff, changes nothing, exit 1', async () => {
    const dir = workspace({ 'td.json': BAD });
    const run = await ecsguard(['fix', 'td.json'], dir);
    assert.equal(run.code, 1, run.stderr);
    assert.equal(readFileSync(path.join(dir, 'td.json'), 'utf8'), BAD);
    assert.equal(
      run.stdout,
      `--- a/td.json
+++ b/td.json
@@ -4,7 +4,8 @@
     {
       "name": "web",
       "image": "nginx",
-      "privileged": true
+      "privileged": false,
+      "user": "1000:1000"
     }
   ]
 }

Warnings (consequences of the fixes above):
  td.json web [no-root-user] container "web": the image nginx may need a USER and file permissions for uid 1000 (files it writes, ` +
        `volumes it mounts); images built to run as root must be rebuilt

1 file would change (run with --write to apply); 0 manual fixes
`,
    );
  });

  it('--write applies, exit 0; a second --write changes nothing, exit 0', async () => {
    const dir = workspace({ 'td.json': BAD });
    const first = await ecsguard(['fix', '.', '--write'], dir);
    assert.equal(first.code, 0, first.stdout + first.stderr);
    assert.match(first.stdout, /wrote 1 file; 0 manual fixes\n$/);
    const written = readFileSync(path.join(dir, 'td.json'), 'utf8');
    assert.match(written, /"privileged": false,\n {6}"user": "1000:1000"\n/);
    const second = await ecsguard(['fix', '.', '--write'], dir);
    assert.equal(second.code, 0);
    assert.equal(second.stdout, 'nothing to change; 0 manual fixes\n');
    assert.equal(readFileSync(path.join(dir, 'td.json'), 'utf8'), written);
    assert.equal((await ecsguard(['scan', '.'], dir)).code, 0);
  });

  it('manual fixes left: exit 1 even after --write', async () => {
    const dir = workspace({
      'td.json': JSON.stringify({ family: 'h', networkMode: 'host', containerDefinitions: [{ name: 'a', image: 'x', user: '1000' }] }),
    });
    const run = await ecsguard(['fix', '.', '--write'], dir);
    assert.equal(run.code, 1);
    assert.match(run.stdout, /\[no-host-network\] host network mode kept; pass --network-mode awsvpc to switch/);
    assert.equal((await ecsguard(['fix', '.', '--skip-checks', 'no-host-network'], dir)).code, 0);
  });

  it('--format json: edits, warnings and manual fixes per file', async () => {
    const dir = workspace({ 'td.json': BAD });
    const run = await ecsguard(['fix', 'td.json', '--format', 'json', '--checks', 'no-privileged-containers'], dir);
    assert.equal(run.code, 1);
    const report = JSON.parse(run.stdout);
    assert.deepEqual(Object.keys(report), ['version', 'written', 'files', 'errors', 'summary']);
    assert.deepEqual(report.files[0].edits, [{ start: BAD.indexOf('true'), end: BAD.indexOf('true') + 4, text: 'false' }]);
    assert.deepEqual(report.summary, { filesChanged: 1, edits: 1, warnings: 0, manual: 0, errors: 0 });
  });

  it('usage errors exit 2: a root --user, an unknown check, --write on stdin', async () => {
    const dir = workspace({ 'td.json': BAD });
    for (const user of ['0', 'root', '0:0', '', ' 1000', '1000\n0', '1000 ']) {
      const run = await ecsguard(['fix', 'td.json', '--user', user], dir);
      assert.equal(run.code, 2, `--user ${JSON.stringify(user)}`);
    }
    assert.match(
      (await ecsguard(['fix', 'td.json', '--user', 'root'], dir)).stderr,
      /"root" is root \(or empty\); choose a non-root user such as 1000:1000/,
    );
    assert.match((await ecsguard(['fix', 'td.json', '--user', ' 1000'], dir)).stderr, /" 1000" holds spaces or control characters/);
    assert.equal((await ecsguard(['fix', 'td.json', '--checks', 'nope'], dir)).code, 2);
    assert.equal((await ecsguard(['fix', '-', '--write'], dir)).code, 2);
  });

  it('an unreadable input exits 2 and is reported', async () => {
    const dir = workspace({ 'bad.json': '{"containerDefinitions": [' });
    const run = await ecsguard(['fix', 'bad.json', 'missing.json'], dir);
    assert.equal(run.code, 2);
    assert.match(run.stdout, /missing\.json: no such file or directory/);
  });

  it('findings scan reports MUTED (inline or by --exceptions) are not fixed; --no-inline-suppressions fixes them', async () => {
    const muted = `Resources:
  NodeAgentTask:
    Type: AWS::ECS::TaskDefinition
    Metadata:
      ecsguard:
        ignore:
          - id: no-privileged-containers
            reason: EBS CSI node agent mounts block devices
            expires: "2099-03-31"
    Properties:
      ContainerDefinitions:
        - Name: agent
          Image: example/agent
          User: "1000"
          Privileged: true
`;
    const exceptions = `version: 1
exceptions:
  - checks: no-privileged-containers
    families: web
    reason: Device plugin, being replaced
    owner: alice@example.com
    expires: 2099-08-01
`;
    const dir = workspace({ 'agent.yaml': muted, 'td.json': BAD, 'exceptions.yaml': exceptions });
    assert.equal((await ecsguard(['scan', 'agent.yaml'], dir)).code, 0);
    const inline = await ecsguard(['fix', 'agent.yaml'], dir);
    assert.deepEqual([inline.code, inline.stdout], [0, 'nothing to change; 0 manual fixes\n']);
    // td.json: only its root user is fixed; its privileged is under the exception.
    const both = await ecsguard(['fix', 'td.json', '--exceptions', 'exceptions.yaml'], dir);
    assert.equal(both.code, 1, both.stderr);
    assert.match(both.stdout, /^\+ {6}"user": "1000:1000"$/m);
    assert.doesNotMatch(both.stdout, /"privileged": false/);
    const audit = await ecsguard(['fix', 'agent.yaml', '--no-inline-suppressions'], dir);
    assert.equal(audit.code, 1);
    assert.match(audit.stdout, /^-\s+Privileged: true\n\+\s+Privileged: false$/m);
  });
});
