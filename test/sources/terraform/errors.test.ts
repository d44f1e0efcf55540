import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FIXTURES, allStatuses, at, finding, loadModule, scanPaths, statuses } from './helpers.js';

describe('Terraform: bad input is reported, never passed', () => {
  const dir = `${FIXTURES}/errors`;

  it('a syntax error gives file, line and column; the other files are still scanned', async () => {
    const result = await scanPaths([dir]);
    assert.deepEqual(result.errors[0], { file: `${dir}/broken.tf`, line: 3, column: 38, message: 'syntax error: unexpected "["' });
    assert.deepEqual(statuses(result, 'aws_ecs_task_definition.broken'), allStatuses('ERROR'));
    assert.equal(statuses(result, 'aws_ecs_task_definition.good')['no-privileged-containers'], 'FAIL');
  });

  it('container_definitions that decode to an object or invalid JSON are ERRORs; an empty list is a warning', async () => {
    const result = await scanPaths([dir]);
    // A list that is not a list: the container checks cannot run; networkMode (absent) still gives the host checks a PASS.
    assert.deepEqual(statuses(result, 'aws_ecs_task_definition.object_not_list'), {
      ...allStatuses('PASS'),
      'no-privileged-containers': 'ERROR',
      'no-root-user': 'ERROR',
    });
    assert.deepEqual(statuses(result, 'aws_ecs_task_definition.bad_json'), allStatuses('ERROR'));
    assert.deepEqual(statuses(result, 'aws_ecs_task_definition.empty'), allStatuses('PASS'));
    const messages = result.errors
      .filter((e) => e.message.startsWith('task definition'))
      .map((e) => [e.resource, e.line, e.column, e.message]);
    assert.deepEqual(messages, [
      [
        'aws_ecs_task_definition.object_not_list',
        3,
        38,
        'task definition aws_ecs_task_definition.object_not_list: container definitions must be a list, found object',
      ],
    ]);
    assert.deepEqual(
      result.warnings.map((e) => [e.resource, e.line, e.column, e.message]),
      [
        [
          'aws_ecs_task_definition.empty',
          15,
          38,
          'task definition aws_ecs_task_definition.empty has an empty container definitions list; container checks have nothing to check',
        ],
      ],
    );
    const badJson = finding(result, 'aws_ecs_task_definition.bad_json', 'no-root-user');
    assert.equal(badJson.message, 'not evaluated: container_definitions: invalid JSON: property name expected');
    // The ERROR points at the broken character inside the heredoc.
    assert.equal(at(badJson), `${dir}/main.tf:9:35`);
    assert.equal(at(finding(result, 'aws_ecs_task_definition.broken', 'no-root-user')), `${dir}/broken.tf:1:1`);
  });

  it('invalid JSON in a heredoc is located in the .tf file', async () => {
    const { output, dir: tmp } = await loadModule({
      'main.tf': 'resource "aws_ecs_task_definition" "x" {\n  container_definitions = <<EOF\n[{"name": "x",}]\nEOF\n}\n',
    });
    assert.deepEqual(
      output.failures.map((f) => f.error),
      [
        {
          file: `${tmp}/main.tf`,
          line: 3,
          column: 15,
          message: 'container_definitions: invalid JSON: property name expected',
          resource: 'aws_ecs_task_definition.x',
        },
      ],
    );
  });

  it('container_definitions that is not a string (a bare list) is an ERROR', async () => {
    const { output } = await loadModule({
      'main.tf': 'resource "aws_ecs_task_definition" "x" {\n  container_definitions = [{ name = "x" }]\n}\n',
    });
    assert.deepEqual(
      output.failures.map((f) => [f.error.line, f.error.column, f.error.message]),
      [[2, 27, 'container_definitions must be a JSON string (jsonencode(...), a heredoc, file()), found array']],
    );
  });

  it('a missing file() is an ERROR naming the file', async () => {
    const { output, dir: tmp } = await loadModule({
      'main.tf': 'resource "aws_ecs_task_definition" "x" {\n  container_definitions = file("${path.module}/missing.json")\n}\n',
    });
    assert.deepEqual(
      output.failures.map((f) => [f.error.line, f.error.message]),
      [[2, `container_definitions: cannot read ${tmp}/missing.json: no such file`]],
    );
  });

  it('a resource without container_definitions is a warning, and its container checks have nothing to fail', async () => {
    const { dir: tmp } = await loadModule({ 'main.tf': 'resource "aws_ecs_task_definition" "x" {\n  family = "x"\n}\n' });
    const result = await scanPaths([tmp]);
    assert.deepEqual(statuses(result, 'aws_ecs_task_definition.x'), allStatuses('PASS'));
    assert.deepEqual(result.errors, []);
    assert.deepEqual(
      result.warnings.map((e) => [e.line, e.message]),
      [[1, 'task definition aws_ecs_task_definition.x has no container definitions; container checks have nothing to check']],
    );
  });
});
