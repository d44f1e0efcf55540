import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { CHECKS } from '../../../src/checks/catalogue.js';
import { scan } from '../../../src/engine/scan.js';
import { field, pathGet, toPlain } from '../../../src/model/value.js';
import { recognizeNonTaskDefinition } from '../../../src/sources/not-task-definition.js';
import { FILE_SOURCES } from '../../../src/sources/registry.js';
import { looksLikeYamlTaskDefinition } from '../../../src/sources/yaml/detect.js';
import { yamlTaskDefinitionSource } from '../../../src/sources/yaml/yaml-source.js';
import { REPO_ROOT, fixture, runCli } from '../../support/cli.js';
import { inTempFolder } from '../../support/temp-folder.js';

const load = async (name: string) => {
  const file = fixture('yaml', name);
  const text = readFileSync(`${REPO_ROOT}/${file}`, 'utf8');
  return { file, output: await yamlTaskDefinitionSource.load([{ path: file, text }], {}) };
};

const inFolder = (use: (dir: string) => Promise<void>) => inTempFolder('yaml', use);

const owner = (text: string, name = 'td.yaml') => FILE_SOURCES.find((s) => s.detect({ path: name, text }))?.kind;

describe('task definitions in YAML (--cli-input-yaml, describe --output yaml)', () => {
  it('register-task-definition input: every field kept, positions on the YAML lines', async () => {
    const { file, output } = await load('register-input.yaml');
    assert.deepEqual(output.errors, []);
    const [definition] = output.definitions;
    assert.deepEqual(definition?.resource, { kind: 'file', source: 'yaml', id: 'metrics-agent', file, family: 'metrics-agent' });
    const privileged = pathGet(definition?.body, ['containerDefinitions', 0, 'privileged']);
    assert.deepEqual([privileged?.range?.start.line, privileged?.range?.start.column, privileged?.syntax], [13, 17, 'yaml']);
    assert.deepEqual(toPlain(field(definition?.body, 'tags')), [{ key: 'team', value: 'observability' }]);
    assert.deepEqual(toPlain(pathGet(definition?.body, ['volumes', 0, 'host'])), { sourcePath: '/proc' });
  });

  it('describe-task-definition --output yaml: revision, ARN and the tags beside the definition', async () => {
    const { output } = await load('describe-output.yaml');
    assert.deepEqual(output.errors, []);
    const [definition] = output.definitions;
    assert.deepEqual(
      [definition?.resource.id, definition?.resource.revision, definition?.resource.arn],
      ['edge-proxy', 7, 'arn:aws:ecs:eu-west-1:123456789012:task-definition/edge-proxy:7'],
    );
    assert.deepEqual(toPlain(field(definition?.body, 'tags')), [{ key: 'team', value: 'edge' }]);
  });

  it('several documents: each a definition; revisions of one family told apart by their place', async () => {
    const { output } = await load('revisions.yaml');
    assert.deepEqual(
      output.definitions.map((d) => d.resource.id),
      ['web#0', 'web#1', '#2'],
    );
  });

  it('exact findings through the engine, `privileged: yes` read as YAML 1.1 reads it', async () => {
    const checks = CHECKS.filter((c) => c.meta.id === 'no-privileged-containers' || c.meta.id === 'no-root-user');
    const result = await scan({ paths: [fixture('yaml', 'register-input.yaml'), fixture('yaml', 'revisions.yaml')], checks });
    assert.deepEqual(result.errors, []);
    assert.deepEqual(
      result.findings.map((f) => [path.basename(f.resource.file ?? ''), f.resource.id, f.checkId, f.location?.start.line, f.message]),
      [
        ['register-input.yaml', 'metrics-agent', 'no-privileged-containers', 13, 'container "agent": privileged is true'],
        ['register-input.yaml', 'metrics-agent', 'no-root-user', 14, 'container "agent": user "0" is uid 0 (root)'],
        [
          'revisions.yaml',
          'web#1',
          'no-root-user',
          10,
          'container "app": user is not set, so the container runs as the image\'s default user, which is root unless the image sets USER',
        ],
        ['revisions.yaml', 'web#1', 'no-privileged-containers', 12, 'container "app": privileged is true'],
        ['revisions.yaml', '#2', 'no-root-user', 17, 'container "job": user "root:root" is the root user'],
      ],
    );
  });

  it('written wrong: an input error with its line and column, never a quiet skip', async () => {
    const miswritten = await load('miswritten-key.yaml');
    assert.deepEqual(miswritten.output.errors, [
      {
        file: miswritten.file,
        line: 2,
        column: 1,
        message: '"ContainerDefinitions" should be "containerDefinitions" (ECS keys are case-sensitive): its containers were not read',
      },
    ]);
    const broken = await load('invalid-syntax.yaml');
    assert.deepEqual(
      broken.output.errors.map((e) => [e.line, e.column, e.message]),
      [[5, 1, 'invalid YAML: Sequence item without - indicator']],
    );
    assert.deepEqual(broken.output.definitions, []);
    // An empty document (a file ending in `---`) holds nothing; a document that is no task definition is an error.
    const text = 'family: a\ncontainerDefinitions:\n  - name: a\n    image: x\n---\nfamily: b\nnetworkMode: host\n---\n';
    const second = await yamlTaskDefinitionSource.load([{ path: 'two.yaml', text }], {});
    assert.deepEqual(
      second.errors.map((e) => [e.line, e.message]),
      [[6, 'document 2: not a task definition: no "containerDefinitions" or "taskDefinition" key']],
    );
  });

  it('merge keys are expanded as the AWS CLI reads them: own keys win, then each merged mapping in order', async () => {
    const text =
      'family: agents\ncontainerDefinitions:\n  - &base\n    name: collector\n    image: x\n    privileged: true\n' +
      '    user: "1000"\n  - <<: *base\n    name: shipper\n  - <<: [*base]\n    name: tailer\n    privileged: false\n';
    const file = 'merge.yaml';
    const result = await scan({ paths: [], texts: [{ path: file, text }], checks: CHECKS });
    assert.deepEqual(result.errors, []);
    assert.deepEqual(
      result.findings.map((f) => [f.checkId, f.container, f.location?.start.line]),
      [
        // The merged value is the anchor's text: the finding points there.
        ['no-privileged-containers', 'collector', 6],
        ['no-privileged-containers', 'shipper', 6],
      ],
    );
    // Both readers of the anchored value need the fix: it is made once, in the anchor.
    await inFolder(async (dir) => {
      writeFileSync(path.join(dir, file), text);
      const run = await runCli(['fix', dir, '--write']);
      assert.equal(run.code, 0, run.stdout);
      assert.equal(readFileSync(path.join(dir, file), 'utf8'), text.replace('privileged: true', 'privileged: false'));
    });
  });

  it('a key is never inserted where a merge would carry it elsewhere, nor where a mapping has no text of its own', async () => {
    await inFolder(async (dir) => {
      const fixOf = async (text: string) => {
        writeFileSync(path.join(dir, 'td.yaml'), text);
        const run = await runCli(['fix', dir, '--write']);
        return { run, after: readFileSync(path.join(dir, 'td.yaml'), 'utf8') };
      };
      // Inserting into the anchor would add the key to the container that merges it: manual.
      const anchored = 'family: a\ncontainerDefinitions:\n  - &base\n    name: a\n    image: x\n  - <<: *base\n    name: b\n';
      const shared = await fixOf(anchored);
      assert.equal(shared.after, anchored);
      assert.match(shared.run.stdout, /user: the text to edit is also containerDefinitions\[1\] in this task definition/);
      // A mapping of `<<: {…}` and `<<: *base` alone: the key goes in its own text, or is manual when there is none.
      const inline = 'family: a\ncontainerDefinitions:\n  - name: a\n    image: x\n    <<: {essential: true}\n';
      assert.equal((await fixOf(inline)).after, inline.replace('image: x\n', 'image: x\n    user: "1000:1000"\n'));
      const only = await fixOf('family: a\ncontainerDefinitions:\n  - <<: {name: a, image: x}\nvolumes: [{name: v}]\n');
      assert.equal(only.after, 'family: a\ncontainerDefinitions:\n  - <<: {name: a, image: x}\nvolumes: [{name: v}]\n');
      assert.match(only.run.stdout, /user must be added to a YAML mapping that holds only a merge key \(<<\)/);
    });
  });

  it('describe output: a suppression on the first line inside `taskDefinition:` still mutes', async () => {
    const text =
      'taskDefinition:\n  # ecsguard:ignore no-host-network reason="node exporter"\n  family: d\n  networkMode: host\n' +
      '  containerDefinitions:\n  - name: a\n    image: x\n    user: "1000"\n';
    const result = await scan({ paths: [], texts: [{ path: 'd.yaml', text }], checks: CHECKS });
    assert.deepEqual(
      result.findings.map((f) => f.checkId),
      ['no-host-network'],
    );
    await inFolder(async (dir) => {
      writeFileSync(path.join(dir, 'd.yaml'), text);
      const run = await runCli(['scan', path.join(dir, 'd.yaml'), '--checks', 'no-host-network']);
      assert.equal(run.code, 0, run.stdout);
      assert.match(run.stdout, /MUTED/);
    });
  });

  it('a merge key that names no mapping is an input error', async () => {
    const text = 'family: a\nx-tags: &tags [a, b]\ncontainerDefinitions:\n  - <<: *tags\n    name: c\n    image: x\n';
    const output = await yamlTaskDefinitionSource.load([{ path: 'merge.yaml', text }], {});
    assert.deepEqual(
      output.errors.map((e) => [e.line, e.column, e.message]),
      [[4, 9, 'a YAML merge key (<<) takes a mapping or a list of mappings']],
    );
  });

  it('detection: top-level keys only; a run-task or create-service input names a revision and is not one', () => {
    assert.equal(looksLikeYamlTaskDefinition('family: web\ncontainerDefinitions:\n  - name: app\n'), true);
    // A top-level list of them, in the usual two-space layout.
    assert.equal(looksLikeYamlTaskDefinition('# revisions\n- family: web\n  containerDefinitions: []\n'), true);
    assert.equal(looksLikeYamlTaskDefinition('- containerDefinitions: []\n  family: web\n'), true);
    assert.equal(looksLikeYamlTaskDefinition('taskDefinition:\n  family: web\n'), true);
    assert.equal(looksLikeYamlTaskDefinition('taskDefinition: # the body\n  family: web\n'), true);
    assert.equal(looksLikeYamlTaskDefinition('cluster: default\ntaskDefinition: web:3\n'), false);
    assert.equal(looksLikeYamlTaskDefinition('apiVersion: apps/v1\nkind: Deployment\nspec:\n  containerDefinitions: []\n'), false);
    assert.equal(looksLikeYamlTaskDefinition('family: monitoring\nnetworkMode: host\ncpu: "256"\n'), true, 'cut off before its containers');
    // Layouts the line tests miss are parsed to decide.
    const td = 'family: a\n  containerDefinitions:\n    - name: c\n      privileged: true\n';
    for (const text of [
      '---\n- family: a\n  containerDefinitions: []\n',
      '-   family: a\n    containerDefinitions: []\n',
      '-\n  family: a\n  containerDefinitions: []\n',
      `  ${td}`,
      '{family: a, containerDefinitions: [{name: c, privileged: true}]}\n',
      'taskDefinition: &td\n  family: a\n  containerDefinitions: []\n',
      '? containerDefinitions\n: - name: c\n',
    ]) {
      assert.equal(looksLikeYamlTaskDefinition(text), true, text);
    }
    assert.equal(looksLikeYamlTaskDefinition('jobs:\n  deploy:\n    with:\n      taskDefinition: td.json\n'), false);
    // Broken YAML that is no task definition stays someone else's (skipped), whatever words it holds.
    assert.equal(looksLikeYamlTaskDefinition('# containerDefinitions: documented elsewhere\nkey: [unclosed\n'), false);
    assert.equal(looksLikeYamlTaskDefinition('service:\n  ecsTaskDefinition: web\n  tags: [a\n'), false);
    assert.equal(looksLikeYamlTaskDefinition('values:\n  deep:\n    nested:\n      taskDefinition:\n\tbad: 1\n'), false);
    assert.equal(looksLikeYamlTaskDefinition('description: >\n  containerDefinitions: are explained here\nbad: [\n'), false);
    assert.equal(looksLikeYamlTaskDefinition('config:\n  taskDefinition:\n  bad: [\n'), false);
    assert.equal(looksLikeYamlTaskDefinition('values:\n  taskDefinition: web:3\n  bad: [\n'), false);
    assert.equal(looksLikeYamlTaskDefinition('family: web\ndata:\n  networkMode: host\n'), false, 'a task-level key nested elsewhere');
    // Broken where a task definition's own key sits (the margin, a flow mapping starting a line): read, so the error
    // is reported.
    assert.equal(looksLikeYamlTaskDefinition('&k containerDefinitions:\n  - name: c\n bad: [\n'), true);
    assert.equal(looksLikeYamlTaskDefinition('{family: a, containerDefinitions: [{name: c, privileged: true}]\n'), true);
    // Keys with an anchor or a tag.
    assert.equal(looksLikeYamlTaskDefinition('family: a\n&k containerDefinitions: [{name: c, privileged: true}]\n'), true);
    assert.equal(looksLikeYamlTaskDefinition('family: a\n!!str containerDefinitions: [{name: c, privileged: true}]\n'), true);
    // Keys written with escapes in double quotes, as YAML reads them.
    assert.equal(looksLikeYamlTaskDefinition('family: a\n"container\\x44efinitions": [{name: c, privileged: true}]\n'), true);
    assert.equal(looksLikeYamlTaskDefinition('"\\u0063ontainerDefinitions":\n  - name: c\n'), true);
    // A big file is not parsed to decide (a 30 MB ConfigMap took 29 s): the key's place decides.
    assert.equal(looksLikeYamlTaskDefinition(`data:\n  taskDefinition:\n    family: a\n${'  k: v\n'.repeat(200_000)}`), false);
    const element = '-   family: a\n    containerDefinitions: [{name: c, privileged: true}]\n';
    assert.equal(looksLikeYamlTaskDefinition(element.repeat(20_000)), true, 'a big list of them, indented by four');
    // A CloudFormation template is CloudFormation's, and JSON stays the JSON source's.
    assert.equal(owner('Resources:\n  Td:\n    Type: AWS::ECS::TaskDefinition\n'), 'cloudformation');
    assert.equal(owner('{"containerDefinitions": []}', 'td.json'), 'json');
    assert.equal(owner('containerDefinitions:\n  - name: app\n'), 'yaml');
    assert.equal(
      recognizeNonTaskDefinition({
        path: 'run.yaml',
        text: readFileSync(`${REPO_ROOT}/${fixture('yaml', 'run-task-input.yaml')}`, 'utf8'),
      }),
      'an ECS run-task input',
    );
    assert.equal(
      recognizeNonTaskDefinition({
        path: 'svc.yaml',
        text: 'cluster: default\nserviceName: web\ntaskDefinition: web:3\ndesiredCount: 2\n',
      }),
      'an ECS service definition (create-service input)',
    );
  });
});

describe('YAML task definitions through the command line', () => {
  it('a folder scan fails on them (it used to skip them with exit 0), and a comment mutes a finding', async () => {
    await inFolder(async (dir) => {
      cpSync(path.join(REPO_ROOT, fixture('yaml', 'register-input.yaml')), path.join(dir, 'task-definition.yaml'));
      writeFileSync(path.join(dir, 'run-task.yml'), 'cluster: default\ntaskDefinition: metrics-agent:4\n');
      const run = await runCli(['scan', dir, '--format', 'json']);
      assert.equal(run.code, 1, run.stderr);
      const report = JSON.parse(run.stdout) as {
        summary: { filesScanned: number; filesSkipped: number };
        findings: Array<{ checkId: string; status: string; resource: { source: string } }>;
      };
      assert.deepEqual([report.summary.filesScanned, report.summary.filesSkipped], [1, 1]);
      assert.deepEqual(
        report.findings.map((f) => [f.checkId, f.status, f.resource.source]),
        [
          ['no-host-network', 'FAIL', 'yaml'],
          ['no-privileged-containers', 'FAIL', 'yaml'],
          ['host-network-no-privilege', 'FAIL', 'yaml'],
          ['no-root-user', 'FAIL', 'yaml'],
          ['host-network-nonroot-user', 'FAIL', 'yaml'],
        ],
      );

      const file = path.join(dir, 'task-definition.yaml');
      writeFileSync(
        file,
        readFileSync(file, 'utf8').replace(
          'user: "0"',
          'user: "0" # ecsguard:ignore no-root-user reason="the agent reads /proc of the host"',
        ),
      );
      const muted = await runCli(['scan', file, '--checks', 'no-root-user', '--format', 'json']);
      assert.equal(muted.code, 0, muted.stderr);
      assert.deepEqual(
        (JSON.parse(muted.stdout) as { findings: Array<{ status: string }> }).findings.map((f) => f.status),
        ['MUTED'],
      );
    });
  });

  it("describe-task-definition output: a suppression above `taskDefinition:` mutes the definition's finding", async () => {
    await inFolder(async (dir) => {
      const file = path.join(dir, 'agent.yaml');
      writeFileSync(
        file,
        '# ecsguard:ignore no-privileged-containers reason="reads the host devices"\ntaskDefinition:\n  family: agent\n' +
          '  containerDefinitions:\n  - name: a\n    image: x\n    user: "1000"\n    privileged: true\n',
      );
      const run = await runCli(['scan', file, '--format', 'json']);
      assert.equal(run.code, 0, run.stdout);
      const report = JSON.parse(run.stdout) as { findings: Array<{ status: string; location: { startLine: number } }> };
      assert.deepEqual(
        report.findings.map((f) => [f.status, f.location.startLine]),
        [['MUTED', 8]],
      );
    });
  });

  it("fix --write edits the YAML in place: comments, order and other fields kept, keys in the file's camelCase", async () => {
    await inFolder(async (dir) => {
      const file = path.join(dir, 'task-definition.yaml');
      cpSync(path.join(REPO_ROOT, fixture('yaml', 'register-input.yaml')), file);
      const before = readFileSync(file, 'utf8');
      const run = await runCli(['fix', dir, '--write', '--network-mode', 'awsvpc']);
      assert.equal(run.code, 0, run.stderr);
      const after = readFileSync(file, 'utf8');
      assert.equal(
        after,
        before
          .replace('networkMode: host', 'networkMode: awsvpc')
          .replace('privileged: true # needs /proc of the host', 'privileged: false # needs /proc of the host')
          .replace('user: "0"', 'user: "1000:1000"'),
      );
      const rescan = await runCli(['scan', file]);
      assert.equal(rescan.code, 0, rescan.stdout);
    });
  });
});
