import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { diffOf, failingAfterScan, runFix, workspace, writeBack } from './helpers.js';

describe('fix: task-definition JSON', () => {
  it('register input: values replaced in place, nothing else touched', async () => {
    const run = await diffOf('td.json', readFileSync('test/fixtures/json/register-input.json', 'utf8'));
    assert.equal(
      run.diff,
      `--- a/td.json
+++ b/td.json
@@ -9,8 +9,8 @@
             "image": "123456789012.dkr.ecr.eu-west-1.amazonaws.com/reporting:3.2.0",
             "memory": 1024,
             "essential": true,
-            "user": "0",
-            "privileged": true,
+            "user": "1000:1000",
+            "privileged": false,
             "environment": [{ "name": "QUEUE", "value": "reports" }],
             "linuxParameters": { "initProcessEnabled": true }
         },
`,
    );
  });

  it('hardening: intermediate objects created, one-line objects stay on one line', async () => {
    const run = await diffOf('td.json', readFileSync('test/fixtures/json/register-input.json', 'utf8'), { dropCapabilities: true });
    assert.equal(
      run.diff,
      `--- a/td.json
+++ b/td.json
@@ -9,17 +9,22 @@
             "image": "123456789012.dkr.ecr.eu-west-1.amazonaws.com/reporting:3.2.0",
             "memory": 1024,
             "essential": true,
-            "user": "0",
-            "privileged": true,
+            "user": "1000:1000",
+            "privileged": false,
             "environment": [{ "name": "QUEUE", "value": "reports" }],
-            "linuxParameters": { "initProcessEnabled": true }
+            "linuxParameters": { "initProcessEnabled": true, "capabilities": { "drop": ["ALL"] } }
         },
         {
             "name": "statsd",
             "image": "public.ecr.aws/example/statsd:0.10",
             "memory": 128,
             "essential": false,
-            "user": "nobody"
+            "user": "nobody",
+            "linuxParameters": {
+                "capabilities": {
+                    "drop": ["ALL"]
+                }
+            }
         }
     ],
     "tags": [{ "key": "cost-center", "value": "analytics" }]
`,
    );
  });

  it('an existing drop list keeps its entries; a block list gets a new line', async () => {
    const text = `{
  "family": "f",
  "containerDefinitions": [
    {
      "name": "a",
      "image": "x",
      "user": "1000",
      "linuxParameters": { "capabilities": { "drop": [
        "NET_RAW"
      ] } }
    }
  ]
}
`;
    const run = await diffOf('td.json', text, { dropCapabilities: true });
    assert.equal(run.after['td.json'], text.replace('"NET_RAW"\n', '"NET_RAW",\n        "ALL"\n'));
  });

  it('examples/json: after --write a re-scan has no FAIL (host checks skipped) and a second run changes nothing', async () => {
    const dir = workspace(
      Object.fromEntries(
        ['monitoring-agent-host.json', 'payments-api-describe-output.json', 'web-secure-host.json'].map((n) => [
          n,
          readFileSync(`examples/json/${n}`, 'utf8'),
        ]),
      ),
    );
    const first = await runFix(dir, { networkMode: 'awsvpc' });
    assert.deepEqual(Object.keys(first.after).sort(), [
      'monitoring-agent-host.json',
      'payments-api-describe-output.json',
      'web-secure-host.json',
    ]);
    writeBack(first);
    assert.deepEqual(await failingAfterScan(dir), []);
    const second = await runFix(dir, { networkMode: 'awsvpc' });
    assert.equal(second.diff, '');
    assert.deepEqual(
      second.result.definitions.flatMap((d) => d.manual),
      [],
    );
  });

  it('a plan for passing definitions is empty', async () => {
    const run = await diffOf('ok.json', JSON.stringify({ family: 'ok', containerDefinitions: [{ name: 'a', image: 'x', user: '1000' }] }));
    assert.equal(run.diff, '');
    assert.deepEqual(
      run.result.definitions.map((d) => [d.changes.length, d.warnings.length, d.manual.length]),
      [[0, 0, 0]],
    );
  });
});
