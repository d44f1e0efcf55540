import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { diffOf, failingAfterScan, manualReasons, runFix, workspace, writeBack } from './helpers.js';

const AGENT_YAML = `Resources:
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: agent
      ContainerDefinitions:
        - Name: agent
          Image: example/agent:1.2   # pinned
          Privileged: true   # legacy agent
          User: root
        - {Name: sidecar, Image: 'example/sidecar', User: '0'}
        - Name: web
          Image: nginx
          LinuxParameters:
            Capabilities:
              Drop:
                - NET_RAW
`;

describe('fix: CloudFormation YAML', () => {
  it('keeps comments, PascalCase keys, flow mappings and block indentation', async () => {
    const run = await diffOf('template.yaml', AGENT_YAML, { dropCapabilities: true });
    assert.equal(
      run.diff,
      `--- a/template.yaml
+++ b/template.yaml
@@ -6,12 +6,18 @@
       ContainerDefinitions:
         - Name: agent
           Image: example/agent:1.2   # pinned
-          Privileged: true   # legacy agent
-          User: root
-        - {Name: sidecar, Image: 'example/sidecar', User: '0'}
+          Privileged: false   # legacy agent
+          User: "1000:1000"
+          LinuxParameters:
+            Capabilities:
+              Drop:
+                - ALL
+        - {Name: sidecar, Image: 'example/sidecar', User: '1000:1000', LinuxParameters: {Capabilities: {Drop: [ALL]}}}
         - Name: web
           Image: nginx
           LinuxParameters:
             Capabilities:
               Drop:
                 - NET_RAW
+                - ALL
+          User: "1000:1000"
`,
    );
  });

  it('after --write a re-scan has no FAIL, and a second run changes nothing', async () => {
    const first = await diffOf('template.yaml', AGENT_YAML, { dropCapabilities: true });
    writeBack(first);
    assert.deepEqual(await failingAfterScan(first.dir), []);
    const second = await runFix(first.dir, { dropCapabilities: true });
    assert.equal(second.diff, '');
    assert.deepEqual(second.result.changes, []);
  });

  it('a parameter with one user is fixed at its Default', async () => {
    const run = await diffOf(
      'params.yaml',
      `Parameters:
  AgentUser:
    Type: String
    Default: "0"   # set by ops
Resources:
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ContainerDefinitions:
        - Name: agent
          Image: agent
          User: !Ref AgentUser
`,
    );
    assert.equal(
      run.diff,
      `--- a/params.yaml
+++ b/params.yaml
@@ -1,7 +1,7 @@
 Parameters:
   AgentUser:
     Type: String
-    Default: "0"   # set by ops
+    Default: "1000:1000"   # set by ops
 Resources:
   Task:
     Type: AWS::ECS::TaskDefinition
`,
    );
    assert.deepEqual(manualReasons(run), []);
  });

  it('a parameter with two users is a manual fix naming the definition and the reference', async () => {
    const run = await diffOf(
      'params.yaml',
      `Parameters:
  AgentUser:
    Type: String
    Default: "0"
Resources:
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ContainerDefinitions:
        - Name: agent
          Image: agent
          User: !Ref AgentUser
        - Name: other
          Image: other
          User: !Ref AgentUser
`,
    );
    assert.equal(run.diff, '');
    const reason = (line: number) =>
      `no-root-user: user comes from !Ref AgentUser (referenced at ${run.dir}/params.yaml:${line}:17); parameter AgentUser (defined ` +
      `at ${run.dir}/params.yaml:4:14) has 2 references, so changing it would change the others too: set "1000:1000" ` +
      `at ${run.dir}/params.yaml:${line}:17 or give this container its own value`;
    assert.deepEqual(manualReasons(run), [reason(12), reason(15)]);
  });

  it('a parameter without a Default is manual, naming the expression', async () => {
    const run = await diffOf(
      'nodefault.yaml',
      `Parameters:
  Priv:
    Type: String
Resources:
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ContainerDefinitions:
        - Name: agent
          Image: agent
          User: "1000"
          Privileged: !Ref Priv
`,
    );
    assert.equal(run.diff, '');
    assert.deepEqual(manualReasons(run), [
      'no-privileged-containers: !Ref Priv cannot be resolved (container "agent": privileged is !Ref Priv, which cannot be resolved); ' +
        'make it false where it is defined',
    ]);
  });

  it('the seed 000 host-mode template: --network-mode awsvpc changes only NetworkMode', async () => {
    const text = readFileSync('test/fixtures/cloudformation/seed-000-host-nonroot.yaml', 'utf8');
    const kept = await diffOf('seed.yaml', text);
    assert.equal(kept.diff, '');
    assert.deepEqual(manualReasons(kept), ['no-host-network: host network mode kept; pass --network-mode awsvpc to switch']);
    const run = await diffOf('seed.yaml', text, { networkMode: 'awsvpc' });
    assert.equal(
      run.diff,
      `--- a/seed.yaml
+++ b/seed.yaml
@@ -10,7 +10,7 @@
     Type: AWS::ECS::TaskDefinition
     Properties:
       Family: !Ref TaskDefinitionFamily
-      NetworkMode: host
+      NetworkMode: awsvpc
       RequiresCompatibilities:
         - EC2
       ContainerDefinitions:
`,
    );
    writeBack(run);
    assert.deepEqual(await failingAfterScan(run.dir), []);
  });

  it('the seed 000 template made insecure (privileged, no User) is fixed back to the seed', async () => {
    const seed = readFileSync('test/fixtures/cloudformation/seed-000-host-nonroot.yaml', 'utf8');
    const insecure = seed.replace('          User: "1000:1000"\n', '          Privileged: true\n');
    assert.notEqual(insecure, seed);
    const run = await diffOf('seed.yaml', insecure);
    assert.equal(
      run.after['seed.yaml'],
      seed
        .replace('          User: "1000:1000"\n', '          Privileged: false\n')
        .replace('          Memory: 512\n', '          Memory: 512\n          User: "1000:1000"\n'),
    );
  });
});

describe('fix: CloudFormation JSON', () => {
  it('edits in place and inserts PascalCase keys with the file indentation', async () => {
    const template = {
      Resources: {
        Task: {
          Type: 'AWS::ECS::TaskDefinition',
          Properties: { NetworkMode: 'host', ContainerDefinitions: [{ Name: 'app', Image: 'nginx', Privileged: 'true' }] },
        },
      },
    };
    const run = await diffOf('template.json', `${JSON.stringify(template, null, 2)}\n`, { networkMode: 'awsvpc' });
    assert.equal(
      run.diff,
      `--- a/template.json
+++ b/template.json
@@ -3,12 +3,13 @@
     "Task": {
       "Type": "AWS::ECS::TaskDefinition",
       "Properties": {
-        "NetworkMode": "host",
+        "NetworkMode": "awsvpc",
         "ContainerDefinitions": [
           {
             "Name": "app",
             "Image": "nginx",
-            "Privileged": "true"
+            "Privileged": false,
+            "User": "1000:1000"
           }
         ]
       }
`,
    );
    writeBack(run);
    assert.deepEqual(await failingAfterScan(run.dir), []);
    assert.equal((await runFix(run.dir, { networkMode: 'awsvpc' })).diff, '');
  });

  it('the cdk synth fixture', async () => {
    const dir = workspace({ 'cdk.template.json': readFileSync('test/fixtures/cloudformation/cdk-synth.template.json', 'utf8') });
    const run = await runFix(dir);
    assert.match(run.diff, /^- {6}"Privileged": true,\n- {6}"User": "root"\n\+ {6}"Privileged": false,\n\+ {6}"User": "1000:1000"$/m);
    writeBack(run);
    assert.deepEqual(
      await failingAfterScan(
        dir,
        (await import('../../src/checks/catalogue.js')).CHECKS.filter((c) => c.meta.id !== 'no-host-network'),
      ),
      [],
    );
  });
});
