import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diffOf, failingAfterScan, manualReasons, runFix, writeBack } from './helpers.js';

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
    assert.match(reasons[0] ?? '', /^no-root-user: user comes from var\.uid \(referenced at .*main\.tf:7:\d+\); variable uid \(defined at .*main\.tf:2:13\) has 2 references, so changing it would change the others too/);
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
