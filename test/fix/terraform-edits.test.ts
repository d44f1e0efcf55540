import assert from 'node:assert/strict';
import { cpSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ALL_CHECKS, CHECKS } from '../../src/checks/catalogue.js';
import { fixFiles } from '../../src/fix/fix-files.js';
import { DEFAULT_FIX_OPTIONS } from '../../src/fix/strategy.js';
import { runCli } from '../support/cli.js';
import { diffOf, failingAfterScan, manualReasons, runFix, workspace, writeBack } from './helpers.js';

const MAIN_TF = `variable "agent_user" {
  default = "0"
}

resource "aws_ecs_task_definition" "agent" {
  family                   = "agent"
  network_mode             = "host"
  requires_compatibilities = ["EC2"]
  container_definitions = jsonencode([
    {
      name       = "agent"
      image      = "example/agent:1.2"
      privileged = true # legacy agent
      user       = var.agent_user
      memory     = 512
    },
    { name = "sidecar", image = "busybox" }
  ])
}

resource "aws_ecs_task_definition" "heredoc" {
  family                = "heredoc"
  container_definitions = <<EOF
[
  {
    "name": "web",
    "image": "nginx",
    "privileged": true
  }
]
EOF
}
`;

describe('fix: Terraform', () => {
  it('jsonencode objects, a one-use variable default and heredoc JSON, comments kept', async () => {
    const run = await diffOf('main.tf', MAIN_TF, { networkMode: 'awsvpc' });
    assert.equal(
      run.diff,
      `--- a/main.tf
+++ b/main.tf
@@ -1,20 +1,20 @@
 variable "agent_user" {
-  default = "0"
+  default = "1000:1000"
 }
 
 resource "aws_ecs_task_definition" "agent" {
   family                   = "agent"
-  network_mode             = "host"
+  network_mode             = "awsvpc"
   requires_compatibilities = ["EC2"]
   container_definitions = jsonencode([
     {
       name       = "agent"
       image      = "example/agent:1.2"
-      privileged = true # legacy agent
+      privileged = false # legacy agent
       user       = var.agent_user
       memory     = 512
     },
-    { name = "sidecar", image = "busybox" }
+    { name = "sidecar", image = "busybox", user = "1000:1000" }
   ])
 }
 
@@ -25,7 +25,8 @@
   {
     "name": "web",
     "image": "nginx",
-    "privileged": true
+    "privileged": false,
+    "user": "1000:1000"
   }
 ]
 EOF
`,
    );
    assert.deepEqual(manualReasons(run), []);
    writeBack(run);
    assert.deepEqual(await failingAfterScan(run.dir), []);
    assert.equal((await runFix(run.dir, { networkMode: 'awsvpc' })).diff, '');
  });

  it('a key added to an aligned object is aligned like its siblings', async () => {
    const run = await diffOf(
      'main.tf',
      `resource "aws_ecs_task_definition" "web" {
  family = "web"
  container_definitions = jsonencode([{
    name      = "web"
    image     = "nginx"
    essential = true
  }])
}
`,
    );
    assert.equal(
      run.after['main.tf'],
      `resource "aws_ecs_task_definition" "web" {
  family = "web"
  container_definitions = jsonencode([{
    name      = "web"
    image     = "nginx"
    essential = true
    user      = "1000:1000"
  }])
}
`,
    );
  });

  it('a variable used twice is a manual fix, the file is not changed', async () => {
    const run = await diffOf(
      'main.tf',
      `variable "uid" {
  default = "root"
}

resource "aws_ecs_task_definition" "a" {
  family = "a"
  container_definitions = jsonencode([{ name = "a", image = "x", user = var.uid }])
}

resource "aws_ecs_task_definition" "b" {
  family = "b"
  container_definitions = jsonencode([{ name = "b", image = "x", user = var.uid }])
}
`,
    );
    assert.equal(run.diff, '');
    const reasons = manualReasons(run);
    assert.equal(reasons.length, 2);
    assert.match(
      reasons[0] ?? '',
      new RegExp(
        /^no-root-user: user comes from var\.uid \(referenced at .*main\.tf:7:\d+\); variable uid \(defined at/.source +
          / .*main\.tf:2:13\) has 2 references, so changing it would change the others too/.source,
      ),
    );
  });

  it('the seed 000 Terraform example: host kept has nothing to change; awsvpc changes one line', async () => {
    const seed = `resource "aws_ecs_task_definition" "secure_host_mode" {
  family                   = "my-secure-task"
  network_mode             = "host"
  requires_compatibilities = ["EC2"]
  container_definitions = jsonencode([
    {
      name      = "my-container"
      image     = "nginx:latest"
      essential = true
      user      = "1000:1000"
      memory    = 512
      portMappings = [
        {
          containerPort = 8080
          hostPort      = 8080
          protocol      = "tcp"
        }
      ]
      linuxParameters = {
        capabilities = {
          drop = ["ALL"]
        }
      }
    }
  ])
}
`;
    assert.equal((await diffOf('seed.tf', seed, { dropCapabilities: true })).diff, '');
    const run = await diffOf('seed.tf', seed, { networkMode: 'awsvpc' });
    assert.equal(
      run.diff,
      `--- a/seed.tf
+++ b/seed.tf
@@ -1,6 +1,6 @@
 resource "aws_ecs_task_definition" "secure_host_mode" {
   family                   = "my-secure-task"
-  network_mode             = "host"
+  network_mode             = "awsvpc"
   requires_compatibilities = ["EC2"]
   container_definitions = jsonencode([
     {
`,
    );
  });
});

describe('fix: JSON inside a JSON string (.tf.json container_definitions)', () => {
  // JSON lets a string write its quotes \u0022 as well as \": what the fix writes there must be escaped either way.
  for (const quote of ['\\"', '\\u0022']) {
    it(`quotes written ${quote}: the user replaced, a key inserted, both escaped; the file reads back fixed`, async () => {
      const q = (text: string) => `${quote}${text}${quote}`;
      const definitions = `[{${q('name')}:${q('app')},${q('image')}:${q('nginx')},${q('user')}:${q('0')},${q('privileged')}:true}]`;
      const file = `{
  "resource": {
    "aws_ecs_task_definition": {
      "web": {
        "family": "web",
        "container_definitions": "${definitions}"
      }
    }
  }
}
`;
      const run = await diffOf('main.tf.json', file, { readonlyRoot: true });
      const after = run.after['main.tf.json'] as string;
      assert.ok(after.includes(`${q('user')}:\\"1000:1000\\"`), after);
      assert.ok(after.includes(`, \\"readonlyRootFilesystem\\": true}]`), after);
      const written = JSON.parse(after).resource.aws_ecs_task_definition.web.container_definitions as string;
      assert.deepEqual(JSON.parse(written), [
        { name: 'app', image: 'nginx', user: '1000:1000', privileged: false, readonlyRootFilesystem: true },
      ]);
      writeBack(run);
      const failing = await failingAfterScan(run.dir);
      assert.deepEqual(
        failing.filter((f) => /^(no-root-user|no-privileged-containers|readonly-root-filesystem) /.test(f)),
        [],
      );
    });
  }
});

describe('fix: Terraform files that are generated or shared are not edited', () => {
  it('a plan JSON (terraform show -json) gets no edits; the manual fix names the .tf resource it came from', async () => {
    const dir = workspace({});
    cpSync('test/fixtures/terraform/plan', dir, { recursive: true });
    const plan = path.join(dir, 'plan.json');
    const result = await fixFiles({ paths: [plan], checks: CHECKS, fix: { ...DEFAULT_FIX_OPTIONS, networkMode: 'awsvpc' } });
    assert.deepEqual(result.changes, []);
    assert.deepEqual(result.errors, []);
    const batch = result.definitions.find((d) => d.resource.id === 'aws_ecs_task_definition.batch[0]');
    const reasons = batch?.manual.map((m) => `${m.checkId}: ${m.reason}`) ?? [];
    assert.ok(reasons.length > 0);
    assert.ok(
      reasons.includes(
        `no-root-user: the Terraform plan is generated (terraform show -json), so it is not edited: set user to "1000:1000" in the ` +
          `resource block at ${dir}/main.tf:1:1, then plan again`,
      ),
      reasons.join('\n'),
    );
    assert.ok(batch?.manual.every((m) => m.where?.file === `${dir}/main.tf`));
    const api = result.definitions.find((d) => d.resource.id === 'module.svc.aws_ecs_task_definition.this["api"]');
    assert.ok(api?.manual.some((m) => m.checkId === 'no-privileged-containers' && m.where?.file === `${dir}/modules/svc/main.tf`));
    assert.equal(readFileSync(plan, 'utf8'), readFileSync('test/fixtures/terraform/plan/plan.json', 'utf8'));
  });

  it('a plan without its configuration still gets no edits, and names the resource address', async () => {
    const dir = workspace({});
    cpSync('test/fixtures/terraform/plan/plan.json', path.join(dir, 'plan.json'));
    const result = await fixFiles({ paths: [dir], checks: CHECKS, fix: DEFAULT_FIX_OPTIONS });
    assert.deepEqual(result.changes, []);
    const batch = result.definitions.find((d) => d.resource.id === 'aws_ecs_task_definition.batch[0]');
    const root = batch?.manual.find((m) => m.checkId === 'no-root-user');
    assert.match(root?.reason ?? '', /in the Terraform configuration of aws_ecs_task_definition\.batch\[0\], then plan again$/);
    assert.equal(root?.where?.file, path.join(dir, 'plan.json'));
  });

  const TEMPLATE = `[
  {
    "name": "templated",
    "image": "\${image}",
    "user": "\${user}",
    "privileged": true
  }
]
`;

  it(
    'templatefile(): a value a placeholder wrote is a manual fix naming the placeholder and the argument; the template literals are ' +
      'fixed',
    async () => {
      const run = await runFix(
        workspace({
          'containers.json.tpl': TEMPLATE,
          'main.tf': `resource "aws_ecs_task_definition" "t" {
  family = "t"
  container_definitions = templatefile("\${path.module}/containers.json.tpl", {
    image = "nginx"
    user  = "root"
  })
}
`,
        }),
      );
      // The literal the template owns is fixed; the placeholder is left alone.
      assert.equal(run.after['containers.json.tpl'], TEMPLATE.replace('"privileged": true', '"privileged": false'));
      assert.equal(run.after['main.tf'], undefined);
      assert.deepEqual(manualReasons(run), [
        `no-root-user: user comes from the template placeholder \${user} (${run.dir}/containers.json.tpl:5:14), which every ` +
          `templatefile() ` +
          `call of the template shares: set "1000:1000" in the call's argument user at ${run.dir}/main.tf:5:13`,
      ]);
    },
  );

  it('templatefile(): an argument that comes from a variable is named where the call writes it', async () => {
    const run = await runFix(
      workspace({
        'containers.json.tpl': TEMPLATE.replace('"privileged": true', '"privileged": ${priv}'),
        'main.tf': `variable "priv" {
  default = true
}
resource "aws_ecs_task_definition" "t" {
  family = "t"
  container_definitions = templatefile("\${path.module}/containers.json.tpl", { image = "nginx", user = "1000", priv = var.priv })
}
`,
      }),
    );
    assert.equal(run.diff, '');
    const [reason] = manualReasons(run);
    assert.match(
      reason ?? '',
      new RegExp(
        /^no-privileged-containers: privileged comes from the template placeholder \$\{priv\}/.source +
          / \(.*containers\.json\.tpl:6:19\), .*argument priv at .*main\.tf:6:119$/.source,
      ),
    );
  });
});

describe('fix: Terraform conditionals', () => {
  it('a known condition: the branch taken is a manual fix naming the conditional, the file is not changed', async () => {
    const run = await diffOf(
      'main.tf',
      `locals {
  prod = true
}
resource "aws_ecs_task_definition" "app" {
  family                = "app"
  container_definitions = jsonencode([{ name = "a", image = "i", user = "1000", privileged = local.prod ? true : false }])
}
`,
    );
    assert.equal(run.diff, '');
    const [reason, ...rest] = manualReasons(run);
    assert.deepEqual(rest, []);
    assert.match(
      reason ?? '',
      new RegExp(
        /^no-privileged-containers: privileged comes from local\.prod \? true : false \(.*main\.tf:6:94\), whose condition is known: /
          .source +
          /which branch or condition to change is the author's call; set false in the branch it takes \(.*main\.tf:6:107\) /.source +
          /or change the condition$/.source,
      ),
    );
  });

  it('a known condition reached through a local: still the branch taken, still manual', async () => {
    const run = await diffOf(
      'main.tf',
      `variable "firelens" {
  default = { type = "fluentbit" }
}
locals {
  user = var.firelens != null ? "0" : "1000"
}
resource "aws_ecs_task_definition" "app" {
  family                = "app"
  container_definitions = jsonencode([{ name = "log_router", image = "fluent-bit", user = local.user }])
}
`,
    );
    assert.equal(run.diff, '');
    assert.deepEqual(
      manualReasons(run).map((r) => r.replace(/\([^()]*main\.tf:(\d+:\d+)\)/g, '($1)')),
      [
        'no-root-user: user comes from var.firelens != null ? "0" : "1000" (5:10), whose condition is known: which branch or ' +
          'condition to change is the author\'s call; set "1000:1000" in the branch it takes (5:33) or change the condition',
      ],
    );
  });

  it('a known condition on the impossible branch: nothing to fix', async () => {
    const run = await diffOf(
      'main.tf',
      `locals {
  debug = false
}
resource "aws_ecs_task_definition" "app" {
  family                = "app"
  container_definitions = jsonencode([{ name = "a", image = "i", user = "1000", privileged = local.debug ? true : false }])
}
`,
    );
    assert.equal(run.diff, '');
    assert.deepEqual(manualReasons(run), []);
  });

  it('an unresolved condition: the failing branch is fixed, or the whole conditional when the other already passes', async () => {
    const run = await diffOf(
      'main.tf',
      `variable "prod" {}
resource "aws_ecs_task_definition" "app" {
  family                = "app"
  container_definitions = jsonencode([{ name = "a", image = "i", user = var.prod ? "0" : "app", privileged = var.prod ? true : false }])
}
`,
    );
    assert.match(run.after['main.tf'] ?? '', /user = var\.prod \? "1000:1000" : "app", privileged = false \}/);
  });
});

describe('fix: Terraform objects whose values are defined elsewhere', () => {
  it('a missing user is inserted inside the object, not at the offset of a value defined in another file', async () => {
    const dir = workspace({
      'variables.tf':
        'variable "router_image" {\n  type    = string\n  default = ' +
        '"public.ecr.aws/aws-observability/aws-for-fluent-bit:stable"\n}\n\nvariable "with_router" {\n  type = bool\n}\n',
      'main.tf': [
        'locals {',
        '  log_router = {',
        '    name  = "log-router"',
        '    image = var.router_image',
        '  }',
        '}',
        '',
        'resource "aws_ecs_task_definition" "agent" {',
        '  family                = "agent"',
        '  container_definitions = jsonencode(concat(var.with_router ? [local.log_router] : [], []))',
        '}',
        '',
      ].join('\n'),
    });
    const run = await runFix(dir);
    assert.equal(
      run.diff,
      `--- a/main.tf
+++ b/main.tf
@@ -2,6 +2,7 @@
   log_router = {
     name  = "log-router"
     image = var.router_image
+    user  = "1000:1000"
   }
 }
 
`,
    );
  });
});

describe('fix: Terraform modules that terraform init downloaded', () => {
  it('a value written in .terraform/modules is a manual fix: an edit there would not last', async () => {
    const dir = workspace({
      'main.tf':
        'module "svc" {\n  source  = "terraform-aws-modules/ecs/aws//modules/service"\n  version = "5.0.0"\n  name    = "web"\n}\n',
      '.terraform/modules/modules.json': JSON.stringify({
        Modules: [
          { Key: '', Source: '', Dir: '.' },
          { Key: 'svc', Source: 'registry.terraform.io/terraform-aws-modules/ecs/aws//modules/service', Dir: '.terraform/modules/svc' },
        ],
      }),
      '.terraform/modules/svc/main.tf':
        'variable "name" {}\nvariable "privileged" {\n  default = true\n}\nresource "aws_ecs_task_definition" "this" {\n' +
        '  family                = var.name\n' +
        '  container_definitions = jsonencode([{ name = var.name, image = "x", user = "1000", privileged = var.privileged }])\n}\n',
    });
    const run = await runFix(dir);
    assert.deepEqual(run.result.changes, []);
    assert.deepEqual(manualReasons(run), [
      `no-privileged-containers: privileged is written in ${dir}/.terraform/modules/svc/main.tf, a module copy terraform init ` +
        "downloads: an edit there would not last; change the module's source, or pass false from the module call if it takes the " +
        'value as an input',
    ]);
  });
});

describe('fix: values written as template expressions', () => {
  it('a heredoc ${…} is never replaced by a literal: manual, naming the expression', async () => {
    const dir = workspace({
      'main.tf': `variable "img" {
  default = "nginx"
}
resource "aws_ecs_task_definition" "b" {
  family = "b"
  container_definitions = <<-JSON
    [{"name": "b1", "image": "x", "user": "1000", "privileged": \${var.img == "nginx" ? true : false}}]
  JSON
}
`,
    });
    const run = await runFix(dir);
    assert.deepEqual(run.result.changes, []);
    assert.deepEqual(manualReasons(run), [
      'no-privileged-containers: privileged is written as the template expression ${var.img == "nginx" ? true : false} ' +
        `(${dir}/main.tf:7:65): change what it interpolates, or write false there by hand`,
    ]);
  });
});

describe('fix: values an expression wrote are never edited where the expression is', () => {
  const cases: Array<{ name: string; text: string; reasons: (file: string) => string[] }> = [
    {
      name: 'JSON computed by a function: the call is not overwritten by a value',
      text: `variable "debug" {
  type = bool
}
locals {
  defs = var.debug ? "[{\\"name\\":\\"a\\",\\"image\\":\\"i\\",\\"user\\":\\"1000\\",\\"privileged\\":true}]" : "[]"
}
resource "aws_ecs_task_definition" "t" {
  family                = "t"
  container_definitions = replace(local.defs, "\\"null\\"", "null")
}
`,
      reasons: (file) => [
        'no-privileged-containers: privileged is computed by the container definitions string an expression computes ' +
          `(${file}:9:27): change what it reads, or write false there by hand`,
      ],
    },
    {
      name: 'an object a for expression builds: nothing is inserted into the for',
      text: `locals {
  definition = { name = "app", image = "nginx", user = null }
}
resource "aws_ecs_task_definition" "t" {
  family                = "app"
  container_definitions = jsonencode([{ for k, v in local.definition : k => v if v != null }])
}
`,
      reasons: (file) => [
        'no-root-user: user is computed by { for k, v in local.definition : k => v if v != null } ' +
          `(${file}:6:39): change what it reads, or write "1000:1000" there by hand`,
      ],
    },
    {
      name: 'an object a string interpolation writes: nothing is inserted before the ${',
      text: `locals {
  first = jsonencode({ name = "first", image = "nginx" })
}
resource "aws_ecs_task_definition" "t" {
  family                = "t"
  container_definitions = "[\${local.first}]"
}
`,
      reasons: (file) => [
        'no-root-user: user is written as the template expression ${local.first} ' +
          `(${file}:6:29): change what it interpolates, or write "1000:1000" there by hand`,
      ],
    },
    {
      name: 'a value a heredoc interpolation writes: the ${ is not overwritten',
      text: `locals {
  sidecar = <<EOF
  { "name": "log_router", "image": "fluent-bit", "user": "0" }
EOF
}
resource "aws_ecs_task_definition" "t" {
  family                = "t"
  container_definitions = <<DEFINITION
[\${local.sidecar}]
DEFINITION
}
`,
      reasons: (file) => [
        'no-root-user: user is written as the template expression ${local.sidecar} ' +
          `(${file}:9:2): change what it interpolates, or write "1000:1000" there by hand`,
      ],
    },
  ];
  for (const { name, text, reasons } of cases) {
    it(name, async () => {
      const dir = workspace({ 'main.tf': text });
      const run = await runFix(dir);
      assert.deepEqual(run.result.changes, []);
      assert.deepEqual(manualReasons(run), reasons(path.join(dir, 'main.tf')));
      // The scan's JSON report says the same of each finding's fix: no edits, the manual step fix prints.
      const report = JSON.parse((await runCli(['scan', dir, '--format', 'json'])).stdout) as {
        findings: Array<{ checkId: string; status: string; fix: { edits: unknown[]; manual: Array<{ reason: string }> } | null }>;
      };
      const failing = report.findings.filter((f) => f.status === 'FAIL');
      assert.deepEqual(
        failing.map((f) => [f.fix?.edits.length, ...(f.fix?.manual.map((m) => `${f.checkId}: ${m.reason}`) ?? [])]),
        reasons(path.join(dir, 'main.tf')).map((r) => [0, r]),
      );
    });
  }
});

describe('fix: HCL objects written with commas', () => {
  it("a new entry goes after the last entry's comma, which stays on its line", async () => {
    const run = await diffOf(
      'main.tf',
      `resource "aws_ecs_task_definition" "a" {
  family = "a"
  container_definitions = jsonencode([
    {
      "name" : "side",
      "image" : "busybox",
      "privileged" : true,
    },
  ])
}
`,
    );
    assert.match(run.diff, /^- {6}"privileged" : true,\n\+ {6}"privileged" : false,\n\+ {6}"user" = "1000:1000"\n {5}},$/m);
  });
});

describe('reports: the fix of a finding in file() JSON is the edit ecsguard fix makes there', () => {
  it('scan --format json carries the text edit in containers.json, not a manual step', async () => {
    const dir = workspace({
      'main.tf':
        'resource "aws_ecs_task_definition" "app" {\n  family                = "app"\n' +
        '  container_definitions = file("${path.module}/containers.json")\n}\n',
      'containers.json': '[\n  { "name": "app", "image": "nginx", "user": "1000", "privileged": true }\n]\n',
    });
    const report = JSON.parse((await runCli(['scan', path.join(dir, 'main.tf'), '--format', 'json'])).stdout) as {
      findings: Array<{ status: string; fix: { edits: Array<{ file: string; startLine: number; text: string }>; manual: unknown[] } }>;
    };
    const [failing] = report.findings.filter((f) => f.status === 'FAIL');
    assert.deepEqual(failing?.fix.manual, []);
    assert.deepEqual(
      failing?.fix.edits.map((e) => [path.basename(e.file), e.startLine, e.text]),
      [['containers.json', 2, 'false']],
    );
  });
});

describe('fix: a template body a %{ for } repeats gets each missing key once', () => {
  it('the last iteration, whose object ends elsewhere, does not add the key a second time', async () => {
    const run = await runFix(
      workspace({
        'loop.json.tpl':
          '[\n%{ for c in names ~}\n  {"name": "${c}", "image": "x"}%{ if c != names[length(names)-1] },%{ endif }\n%{ endfor ~}\n]\n',
        'main.tf':
          'resource "aws_ecs_task_definition" "loop" {\n  family                = "loop"\n' +
          '  container_definitions = templatefile("${path.module}/loop.json.tpl", { names = ["a", "b", "c"] })\n}\n',
      }),
    );
    assert.match(run.diff, /^\+ {2}\{"name": "\$\{c\}", "image": "x", "user": "1000:1000"\}%\{ if/m);
  });
});

describe('fix: HCL inside a .tf.json template string (cdktf Fn.jsonencode)', () => {
  it("privileged and the user replaced, a missing user inserted, escaped as the string's characters; reads back fixed", async () => {
    const dir = workspace({});
    cpSync('test/fixtures/terraform/cdktf', dir, { recursive: true });
    const run = await runFix(dir);
    const after = run.after['cdk.tf.json'] as string;
    const definitions = JSON.parse(after).resource.aws_ecs_task_definition['netmon-agent'].container_definitions as string;
    assert.ok(definitions.includes('"privileged" = false, "user" = "1000:1000", "logConfiguration"'), definitions);
    assert.ok(definitions.includes('"memory" = 128, "user" = "1000:1000"}])}'), definitions);
    // Only the string changed: every other line is as it was.
    const before = readFileSync('test/fixtures/terraform/cdktf/cdk.tf.json', 'utf8').split('\n');
    assert.deepEqual(
      after.split('\n').flatMap((line, i) => (line === before[i] ? [] : [i + 1])),
      [30],
    );
    writeBack(run);
    assert.deepEqual(await failingAfterScan(dir), ['no-host-network networkMode']);
  });
});

describe('fix: data "template_file" whose template is a heredoc', () => {
  it("the edit lands on the value in the heredoc, not at the template's own offset in the file", async () => {
    const main = `data "template_file" "containers" {
  template = <<EOT
[{ "name": "app", "image": "busybox", "user": "$\${user}", "privileged": true }]
EOT
  vars = { user = "1000" }
}
resource "aws_ecs_task_definition" "app" {
  family                = "app"
  container_definitions = data.template_file.containers.rendered
}
`;
    const run = await diffOf('main.tf', main);
    assert.equal(run.after['main.tf'], main.replace('"privileged": true', '"privileged": false'));
  });
});

describe('fix: a key inserted after an entry whose value a known condition chose', () => {
  it('goes after the whole conditional, not after the branch it chose', async () => {
    const main = `variable "apm" {
  default = true
}
resource "aws_ecs_task_definition" "agent" {
  family = "agent"
  container_definitions = jsonencode([{
    name         = "agent"
    image        = "agent:1"
    user         = "1000:1000"
    portMappings = var.apm ? [{ containerPort = 8126 }] : []
  }])
}
`;
    const run = await diffOf('main.tf', main, { readonlyRoot: true });
    assert.equal(
      run.after['main.tf'],
      main.replace('? [{ containerPort = 8126 }] : []\n', '? [{ containerPort = 8126 }] : []\n    readonlyRootFilesystem = true\n'),
    );
    assert.deepEqual(run.result.errors, []);
  });
});

describe('fix: where an entry written as an expression ends, and JSON written in strings in strings', () => {
  it('a key added after `image = "${var.img}"` goes after the quote (a .tf.json local, a template, a .tf file)', async () => {
    const local = `{
  "variable": {"img": {"default": "n"}},
  "locals": {"defs": [{"name": "a", "image": "\${var.img}"}]},
  "resource": {"aws_ecs_task_definition": {"a": {"family": "a", "container_definitions": "\${jsonencode(local.defs)}"}}}
}
`;
    const run = await diffOf('main.tf.json', local);
    assert.equal(run.after['main.tf.json'], local.replace('"image": "${var.img}"}', '"image": "${var.img}", "user": "1000:1000"}'));
    const hcl = `variable "img" {
  default = "n"
}
resource "aws_ecs_task_definition" "a" {
  family                = "a"
  container_definitions = jsonencode([{ name = "a", image = "\${var.img}" }])
}
`;
    const fixed = await diffOf('main.tf', hcl);
    assert.equal(fixed.after['main.tf'], hcl.replace('image = "${var.img}" }', 'image = "${var.img}", user = "1000:1000" }'));
  });

  for (const value of ['(var.apm ? [{ containerPort = 8080 }] : [])', 'try(var.apm ? [{ containerPort = 8080 }] : [], [])']) {
    it(`a key added after portMappings = ${value} goes after the whole expression`, async () => {
      const main = `variable "apm" {
  default = true
}
resource "aws_ecs_task_definition" "a" {
  family = "a"
  container_definitions = jsonencode([{
    name         = "a"
    image        = "n"
    portMappings = ${value}
  }])
}
`;
      const run = await diffOf('main.tf', main);
      // Aligned on `=` with its siblings.
      assert.equal(run.after['main.tf'], main.replace(`${value}\n`, `${value}\n    user         = "1000:1000"\n`));
    });
  }

  it('a number replaced by a string in JSON in a string is written escaped ("user":0 in a quoted HCL string)', async () => {
    const main = `resource "aws_ecs_task_definition" "a" {
  family                = "a"
  container_definitions = "[{\\"name\\":\\"a\\",\\"image\\":\\"n\\",\\"user\\":0}]"
}
`;
    const run = await diffOf('main.tf', main);
    assert.equal(run.after['main.tf'], main.replace('\\"user\\":0', '\\"user\\":\\"1000:1000\\"'));
  });

  it('JSON in an HCL string in a .tf.json template is escaped for both strings', async () => {
    const file = JSON.stringify(
      {
        variable: { on: { default: true } },
        resource: {
          aws_ecs_task_definition: {
            a: {
              family: 'a',
              container_definitions: `\${var.on ? ${JSON.stringify(JSON.stringify([{ name: 'a', image: 'n', privileged: true }]))} : "[]"}`,
            },
          },
        },
      },
      null,
      2,
    );
    const run = await diffOf('main.tf.json', file);
    const after = run.after['main.tf.json'] as string;
    const template = JSON.parse(after).resource.aws_ecs_task_definition.a.container_definitions as string;
    const inner = JSON.parse(template.slice(template.indexOf('? ') + 2, template.lastIndexOf(' : '))) as string;
    assert.deepEqual(JSON.parse(inner), [{ name: 'a', image: 'n', privileged: false, user: '1000:1000' }]);
    writeBack(run);
    assert.deepEqual(await failingAfterScan(run.dir), []);
  });
});

describe('fix: .tf.json references and comments', () => {
  it('every var. in a template counts: a variable a format() also reads is left to the user', async () => {
    const file = `{
  "variable": {"usr": {"default": "root"}, "env": {"default": "dev"}},
  "resource": {
    "aws_ecs_task_definition": {
      "a": {"family": "a", "container_definitions": "\${jsonencode([{name = \\"a\\", image = \\"n\\", user = var.usr}])}"}
    },
    "aws_ssm_parameter": {"p": {"name": "p", "type": "String", "value": "\${format(\\"%s-%s\\", var.env, var.usr)}"}}
  }
}
`;
    const run = await diffOf('main.tf.json', file);
    assert.deepEqual(run.result.changes, []);
    assert.match(manualReasons(run).join('\n'), /variable usr \(defined at .*main\.tf\.json:2:35\) has 2 references/);
  });

  it('the "//" comment property of a block is not read, whatever it says', async () => {
    const file = `{
  "resource": {
    "aws_ecs_task_definition": {
      "a": {
        "//": "Set image via \${var.image (see README)",
        "family": "a",
        "container_definitions": "\${jsonencode([{name = \\"a\\", image = \\"n\\", user = \\"1000\\", privileged = true}])}"
      }
    }
  }
}
`;
    const run = await diffOf('main.tf.json', file);
    assert.deepEqual(run.result.errors, []);
    assert.equal(run.after['main.tf.json'], file.replace('privileged = true', 'privileged = false'));
  });
});

describe('fix: escaped JSON and Terraform blocks, as a second review found them', () => {
  const efs = ALL_CHECKS.filter((c) => c.meta.id === 'efs-transit-encryption');

  it('keys added to an empty {} in JSON in a string are escaped as its key is', async () => {
    const main = `resource "aws_ecs_task_definition" "t" {
  family                = "t"
  container_definitions = "[{\\"name\\":\\"a\\",\\"image\\":\\"nginx\\",\\"user\\":\\"1000\\",\\"linuxParameters\\":{}}]"
}
`;
    const run = await diffOf('main.tf', main, { dropCapabilities: true });
    const expected = '\\"linuxParameters\\":{ \\"capabilities\\": { \\"drop\\": [\\"ALL\\"] } }';
    assert.equal(run.after['main.tf'], main.replace('\\"linuxParameters\\":{}', expected));
  });

  it('a number after an escaped line break or tab in JSON in a string is replaced by an escaped string', async () => {
    const main = `resource "aws_ecs_task_definition" "t" {
  family                = "t"
  container_definitions = "[{\\"name\\":\\"a\\",\\"image\\":\\"nginx\\",\\"user\\":\\n\\t0}]"
}
`;
    const run = await diffOf('main.tf', main);
    assert.equal(run.after['main.tf'], main.replace('\\n\\t0}', '\\n\\t\\"1000:1000\\"}'));
  });

  it('JSON written with \\u0022 quotes two strings deep: a number replaced by a string escaped for both strings', async () => {
    // An HCL string whose quotes are written \u0022, in the file's JSON string: `\\u0022` there.
    const definitions = `"${'[{"name":"a","image":"nginx","user":0}]'.replace(/"/g, '\\u0022')}"`;
    const file = JSON.stringify(
      {
        resource: { aws_ecs_task_definition: { a: { family: 'a', container_definitions: `\${jsonencode(jsondecode(${definitions}))}` } } },
      },
      null,
      2,
    );
    const run = await diffOf('main.tf.json', file);
    const template = JSON.parse(run.after['main.tf.json'] as string).resource.aws_ecs_task_definition.a.container_definitions as string;
    const inner = JSON.parse(template.slice('${jsonencode(jsondecode('.length, -'))}'.length)) as string;
    assert.deepEqual(JSON.parse(inner), [{ name: 'a', image: 'nginx', user: '1000:1000' }]);
  });

  it('an argument added to a block goes after the whole expression of its last argument ("${var.fs}")', async () => {
    const main = `variable "fs" { default = "fs-1" }
resource "aws_ecs_task_definition" "t" {
  family = "t"
  container_definitions = "[{\\"name\\":\\"a\\",\\"image\\":\\"a\\",\\"user\\":\\"1000\\"}]"
  volume {
    name = "v"
    efs_volume_configuration {
      file_system_id = "\${var.fs}"
    }
  }
}
`;
    const run = await runFix(workspace({ 'main.tf': main }), {}, efs);
    const fixed = main.replace('file_system_id = "${var.fs}"\n', 'file_system_id = "${var.fs}"\n      transit_encryption = "ENABLED"\n');
    assert.equal(run.after['main.tf'], fixed);
  });

  it('a block nested in a .tf.json block is read as a block: snake_case arguments, JSON written there', async () => {
    const file = `{
  "resource": {
    "aws_ecs_task_definition": {
      "t": {
        "family": "t",
        "container_definitions": "[{\\"name\\":\\"a\\",\\"image\\":\\"a\\",\\"user\\":\\"1000\\"}]",
        "volume": [{"name": "v", "efs_volume_configuration": {"file_system_id": "fs-1", "root_directory": "/"}}]
      }
    }
  }
}
`;
    const run = await runFix(workspace({ 'main.tf.json': file }), {}, efs);
    const fixed = file.replace('"root_directory": "/"}', '"root_directory": "/", "transit_encryption": "ENABLED"}');
    assert.equal(run.after['main.tf.json'], fixed);
    // Written as Terraform reads it, the argument passes.
    assert.deepEqual(await failingAfterScan(workspace({ 'main.tf.json': fixed }), efs), []);
  });
});
