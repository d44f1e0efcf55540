import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { CHECKS } from '../../../src/checks/catalogue.js';
import { scan } from '../../../src/engine/scan.js';
import { OffsetRange } from '../../../src/model/location.js';
import { field, pathGet, toPlain } from '../../../src/model/value.js';
import { jsonTaskDefinitionSource } from '../../../src/sources/json/json-source.js';
import { fixture, REPO_ROOT } from '../../support/cli.js';

const load = async (name: string) => {
  const path = fixture('json', name);
  const text = readFileSync(`${REPO_ROOT}/${path}`, 'utf8');
  return { path, output: await jsonTaskDefinitionSource.load([{ path, text }], {}) };
};

describe('task-definition JSON shapes', () => {
  it('register-task-definition input keeps every field and records positions', async () => {
    const { path, output } = await load('register-input.json');
    assert.equal(output.errors.length, 0);
    const [definition] = output.definitions;
    assert.ok(definition);
    assert.deepEqual(definition.resource, { kind: 'file', source: 'json', id: 'reporting-worker', file: path, family: 'reporting-worker' });
    const privileged = pathGet(definition.body, ['containerDefinitions', 0, 'privileged']);
    assert.equal(privileged?.range?.start.line, 13);
    assert.equal(privileged?.range?.start.column, 27);
    // Fields no check reads today are kept.
    assert.deepEqual(toPlain(pathGet(definition.body, ['containerDefinitions', 0, 'linuxParameters'])), { initProcessEnabled: true });
    assert.deepEqual(toPlain(field(definition.body, 'tags')), [{ key: 'cost-center', value: 'analytics' }]);
  });

  it('an array mixes describe output and bare definitions', async () => {
    const { output } = await load('array-of-shapes.json');
    assert.deepEqual(
      output.definitions.map((d) => ({ id: d.resource.id, revision: d.resource.revision, arn: d.resource.arn })),
      [
        { id: 'edge-proxy', revision: 7, arn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/edge-proxy:7' },
        { id: '#1', revision: undefined, arn: undefined },
      ],
    );
    // describe-task-definition puts tags beside the definition; they are kept.
    assert.deepEqual(toPlain(field(output.definitions[0]?.body, 'tags')), [{ key: 'team', value: 'edge' }]);
  });

  it('invalid JSON is an error with line and column, and yields no definition', async () => {
    const { path, output } = await load('invalid-syntax.json');
    assert.deepEqual(output.definitions, []);
    assert.deepEqual(output.errors[0], { file: path, line: 5, column: 3, message: 'invalid JSON: comma expected' });
  });

  it('detects by content, not by extension', () => {
    assert.equal(jsonTaskDefinitionSource.detect({ path: 'td.txt', text: '{"containerDefinitions": []}' }), true);
    assert.equal(jsonTaskDefinitionSource.detect({ path: 'package.json', text: '{"name": "x", "version": "1.0.0"}' }), false);
  });

  it('detects keys written with \\u escapes, as JSON readers decode them; never a string that only holds such a key', () => {
    const detect = (text: string) => jsonTaskDefinitionSource.detect({ path: 'td.json', text });
    assert.equal(detect('{"family": "x", "container\\u0044efinitions": []}'), true);
    assert.equal(detect('{"\\u0063ontainerDefinitions": []}'), true);
    // Escaped quotes would make the string's content a key.
    assert.equal(detect('{"note": "{\\u0022containerDefinitions\\u0022: []}"}'), false);
  });
});

describe('JSON through the engine', () => {
  it('a task definition whose keys are written with \\u escapes is read and checked, not skipped', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'ecsguard-escaped-'));
    try {
      const file = path.join(folder, 'escaped.json');
      writeFileSync(
        file,
        '{\n  "family": "x",\n  "container\\u0044efinitions": [\n' +
          '    { "name": "app", "image": "nginx", "privileged": true, "user": "0" }\n  ]\n}\n',
      );
      const result = await scan({ paths: [file], checks: CHECKS });
      assert.deepEqual(result.errors, []);
      assert.deepEqual(
        result.findings.map((f) => [f.checkId, f.status, f.location?.start.line, f.location?.start.column, f.message]),
        [
          ['no-privileged-containers', 'FAIL', 4, 54, 'container "app": privileged is true'],
          ['no-root-user', 'FAIL', 4, 68, 'container "app": user "0" is uid 0 (root)'],
        ],
      );
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('exact findings for the register input', async () => {
    const result = await scan({ paths: [fixture('json', 'register-input.json')], checks: CHECKS });
    assert.deepEqual(
      result.findings.map((f) => [f.checkId, f.status, f.container, f.location?.start.line, f.message]),
      [
        ['no-privileged-containers', 'FAIL', 'worker', 13, 'container "worker": privileged is true'],
        ['no-root-user', 'FAIL', 'worker', 12, 'container "worker": user "0" is uid 0 (root)'],
      ].sort((a, b) => (a[3] as number) - (b[3] as number)),
    );
    assert.deepEqual(result.errors, []);
  });

  it('a container list that is not a list: container checks are ERROR, task-level checks still give verdicts', async () => {
    const path = fixture('json', 'containers-not-a-list.json');
    const result = await scan({ paths: [path], checks: CHECKS, includePassed: true });
    assert.deepEqual(result.errors, [
      {
        file: path,
        line: 3,
        column: 27,
        message: 'task definition not-a-list: container definitions must be a list, found object',
        resource: 'not-a-list',
      },
    ]);
    assert.deepEqual(
      result.findings.map((f) => [f.checkId, f.status, f.field ?? null, f.location?.start.line, f.message]),
      [
        // Task-level PASS findings point at the definition (line 1), before the unreadable list (line 3).
        ['host-network-nonroot-user', 'PASS', null, 1, 'networkMode is not set (the default is not host), so the check does not apply'],
        ['host-network-no-privilege', 'PASS', null, 1, 'networkMode is not set (the default is not host), so the check does not apply'],
        ['no-host-network', 'PASS', null, 1, 'networkMode is not set (the default is not host)'],
        [
          'no-privileged-containers',
          'ERROR',
          'containerDefinitions',
          3,
          'not evaluated: container definitions must be a list, found object',
        ],
        ['no-root-user', 'ERROR', 'containerDefinitions', 3, 'not evaluated: container definitions must be a list, found object'],
      ],
    );
    assert.deepEqual(result.warnings, []);
  });

  it('a container without a name is a warning, and it is still checked', async () => {
    const path = fixture('json', 'container-without-name.json');
    const result = await scan({ paths: [path], checks: CHECKS });
    assert.deepEqual(result.errors, []);
    assert.deepEqual(result.warnings, [
      {
        file: path,
        line: 4,
        column: 5,
        message: 'task definition nameless: container definition #0 has no name (ECS requires one)',
        resource: 'nameless',
      },
    ]);
    assert.deepEqual(
      result.findings.map((f) => [f.checkId, f.status, f.container, f.field]),
      [
        ['no-root-user', 'FAIL', '#0', 'containerDefinitions[0].user'],
        ['no-privileged-containers', 'FAIL', '#0', 'containerDefinitions[0].privileged'],
      ],
    );
  });

  it('an empty family (the AWS CLI skeleton) names nothing: the definition is told by its place', async () => {
    const output = await jsonTaskDefinitionSource.load(
      [{ path: 'skeleton.json', text: '{"family": "", "containerDefinitions": [{"name": "a"}]}' }],
      {},
    );
    assert.deepEqual(
      output.definitions.map((d) => [d.resource.id, d.resource.family]),
      [['#0', undefined]],
    );
  });

  it('trees hold offset-only ranges; findings hold plain copies that survive a copy to another thread', async () => {
    const { output } = await load('register-input.json');
    const privileged = pathGet(output.definitions[0]?.body, ['containerDefinitions', 0, 'privileged']);
    assert.ok(privileged?.range instanceof OffsetRange);
    const result = await scan({ paths: [fixture('json', 'register-input.json')], checks: CHECKS, includePassed: true });
    const ranges = result.findings.flatMap((f) => [f.location, ...(f.fix?.changes ?? []).map((c) => c.current?.range)]).filter((r) => r);
    assert.ok(ranges.length > 2);
    for (const range of ranges) assert.equal(Object.getPrototypeOf(range), Object.prototype);
    const failed = result.findings.find((f) => f.checkId === 'no-privileged-containers');
    assert.deepEqual(structuredClone(failed?.location), {
      file: fixture('json', 'register-input.json'),
      start: { line: 13, column: 27, offset: privileged?.range?.start.offset },
      end: { line: 13, column: 31, offset: privileged?.range?.end.offset },
    });
  });
});

describe('task-definition JSON that is written wrong is an input error, never a quiet skip', () => {
  it('containerDefinitions in another case, and a file cut off before its containers, walked in a folder', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const dir = mkdtempSync(path.join(tmpdir(), 'ecsguard-miswritten-'));
    writeFileSync(path.join(dir, 'td.json'), '{"family":"f","ContainerDefinitions":[{"name":"a","image":"x","privileged":true}]}');
    writeFileSync(path.join(dir, 'cut.json'), '{"family":"monitoring-agent","networkMode":"host","cpu":"256","memory"');
    // Not task definitions: no skip turns into an error.
    writeFileSync(path.join(dir, 'package.json'), '{"name":"x","version":"1.0.0"}');
    writeFileSync(path.join(dir, 'state-machine.json'), '{"States":{"Run":{"Type":"Task","Parameters":{"TaskDefinition":"web:1"}}}}');
    const result = await scan({ paths: [dir], checks: CHECKS });
    assert.deepEqual(
      result.errors.map((e) => [path.basename(e.file ?? ''), e.line, e.column, e.message]),
      [
        ['cut.json', 1, 71, 'invalid JSON: colon expected'],
        [
          'td.json',
          1,
          15,
          '"ContainerDefinitions" should be "containerDefinitions" (ECS keys are case-sensitive): its containers were not read',
        ],
      ],
    );
    assert.deepEqual(result.skipped.map((s) => path.basename(s.file)).sort(), ['package.json', 'state-machine.json']);
  });
});

describe('a file of very many list elements', () => {
  it('150,000 elements that are no task definitions: errors capped per file, no stack overflow', async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const dir = mkdtempSync(path.join(tmpdir(), 'ecsguard-many-'));
    const file = path.join(dir, 'many.json');
    const elements = [{ family: 'a', containerDefinitions: [{ name: 'c', image: 'x', privileged: true }] }];
    for (let i = 0; i < 150_000; i++) elements.push({ k: i } as never);
    writeFileSync(file, JSON.stringify(elements));
    try {
      const result = await scan({ paths: [file], checks: CHECKS });
      assert.deepEqual(
        result.findings.map((f) => [f.checkId, f.status]),
        [
          ['no-root-user', 'FAIL'],
          ['no-privileged-containers', 'FAIL'],
        ],
      );
      assert.equal(result.errors.length, 6);
      assert.equal(result.errors[0]?.message, 'element #1: not a task definition: no "containerDefinitions" or "taskDefinition" key');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
