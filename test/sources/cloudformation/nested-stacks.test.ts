import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { CHECKS } from '../../../src/checks/catalogue.js';
import { scan } from '../../../src/engine/scan.js';
import type { Finding } from '../../../src/model/finding.js';
import { runCli } from '../../support/cli.js';
import { inTempFolder } from '../../support/temp-folder.js';
import { cloudFormationSource } from '../../../src/sources/cloudformation/cloudformation-source.js';
import { FIXTURES, at, definition } from './load.js';

const NESTED = path.join(FIXTURES, 'nested-stacks');
const PLATFORM = path.join(NESTED, 'platform.yaml');

/** Paths relative to the fixture folder, so the expectations read as the files do. */
const relative = (file: string | undefined) => (file === undefined ? '-' : path.relative(NESTED, file));

const brief = (f: Finding) => [
  f.status,
  f.checkId,
  f.resource.id,
  relative(f.resource.file),
  f.location ? `${relative(f.location.file)}:${f.location.start.line}:${f.location.start.column}` : '-',
  f.message,
];

const run = (...paths: string[]) => scan({ paths, checks: CHECKS });

describe('nested stacks: a template read through the parent that passes its parameters', () => {
  it('a parent that passes root or privileged into a template whose Defaults are safe FAILs at the value it passes', async () => {
    // Only the parent is named: its nested templates are read from disk, relative to it.
    const result = await run(path.join(NESTED, 'platform.yaml'));
    assert.deepEqual(result.errors, []);
    assert.deepEqual(
      result.warnings.map((w) => [relative(w.file), w.line, w.column, w.message]),
      [
        [
          'platform.yaml',
          40,
          20,
          'nested stack Legacy: its template https://s3.amazonaws.com/platform-templates/legacy.yaml is not a local file ' +
            '(none here ends with its path); scan it on its own to check it',
        ],
        [
          'platform.yaml',
          45,
          20,
          `nested stack Reports: its template ${path.join(NESTED, 'services/reports.yaml')} is not found; scan it to ` +
            'check its task definitions',
        ],
      ],
    );
    const agent = ['Agent/AgentTaskDefinition', 'services/agent.yaml'];
    assert.deepEqual(result.findings.map(brief), [
      // AgentUser: !Ref AgentUser, the parent's parameter, whose Default "0" is where the value is written.
      [
        'FAIL',
        'no-root-user',
        ...agent,
        'platform.yaml:11:14',
        `container "agent": user "0" is uid 0 (root) when condition DeployAgent in ${PLATFORM} is true`,
      ],
      [
        'FAIL',
        'host-network-nonroot-user',
        ...agent,
        'platform.yaml:11:14',
        `container "agent": in host network mode, user "0" is uid 0 (root) when condition DeployAgent in ${PLATFORM} is true ` +
          'and condition IsProd is true',
      ],
      [
        'FAIL',
        'host-network-no-privilege',
        ...agent,
        'platform.yaml:11:14',
        `container "agent": in host network mode, user "0" is uid 0 (root) when condition DeployAgent in ${PLATFORM} is true ` +
          `and condition IsProd is true and condition IsProd in ${PLATFORM} is true`,
      ],
      [
        'FAIL',
        'no-host-network',
        ...agent,
        'services/agent.yaml:26:33',
        `networkMode is "host" when condition DeployAgent in ${PLATFORM} is true and condition IsProd is true`,
      ],
      // The parent's IsProd is not the nested template's: its false branch passes "true".
      [
        'FAIL',
        'no-privileged-containers',
        ...agent,
        'platform.yaml:35:46',
        `container "agent": privileged is "true" when condition DeployAgent in ${PLATFORM} is true and condition IsProd in ` +
          `${PLATFORM} is false`,
      ],
      [
        'FAIL',
        'no-root-user',
        'WebService/TaskDefinition',
        'services/web-service.yaml',
        'platform.yaml:25:24',
        'container "web": user "root" is the root user',
      ],
    ]);
    // The family comes from the parent's !Sub web-${Environment}.
    assert.equal(result.findings.at(-1)?.resource.family, 'web-dev');
  });

  it('scanned together, each nested template is also checked on its own, with its Defaults', async () => {
    const result = await run(path.join(NESTED, 'platform.yaml'), path.join(NESTED, 'services'));
    const standalone = result.findings.filter((f) => !f.resource.id.includes('/'));
    assert.deepEqual(standalone.map(brief), [
      [
        'NOTE',
        'no-privileged-containers',
        'AgentTaskDefinition',
        'services/agent.yaml',
        'services/agent.yaml:11:14',
        'container "agent": privileged allows "true" (parameter RunPrivileged, AllowedValues); under "true", privileged is "true"',
      ],
      [
        'NOTE',
        'host-network-no-privilege',
        'AgentTaskDefinition',
        'services/agent.yaml',
        'services/agent.yaml:11:14',
        'container "agent": privileged allows "true" (parameter RunPrivileged, AllowedValues); under "true", in host network mode, ' +
          'privileged is "true" when condition IsProd is true',
      ],
      [
        'FAIL',
        'no-host-network',
        'AgentTaskDefinition',
        'services/agent.yaml',
        'services/agent.yaml:26:33',
        'networkMode is "host" when condition IsProd is true',
      ],
    ]);
    assert.equal(result.summary.taskDefinitions, 4);
    assert.equal(result.findings.filter((f) => f.resource.id.includes('/')).length, 6);
  });

  it('cdk synth output: the template is found by its aws:asset:path; only a stack that passes a known value adds findings', async () => {
    const result = await run(path.join(NESTED, 'cdk.out'));
    assert.deepEqual(result.errors, []);
    assert.deepEqual(result.warnings, []);
    const agentFile = 'cdk.out/EcsPlatformStackAgent3F8B2C1D.nested.template.json';
    const instance = ['AgentNestedStackAgentNestedStackResource5D2E7F3A/AgentTaskDefinition2B4D6F8A', agentFile];
    const standalone = ['AgentTaskDefinition2B4D6F8A', agentFile];
    // Sorted by file and place: the instance's findings beside the template's own, where both read the same text.
    assert.deepEqual(result.findings.map(brief), [
      // The parent's CfnParameter AgentUser (Default "0") reaches the container's User through the nested stack.
      ['FAIL', 'no-root-user', ...instance, 'cdk.out/EcsPlatformStack.template.json:5:15', 'container "agent": user "0" is uid 0 (root)'],
      [
        'FAIL',
        'host-network-nonroot-user',
        ...instance,
        'cdk.out/EcsPlatformStack.template.json:5:15',
        'container "agent": in host network mode, user "0" is uid 0 (root)',
      ],
      ['FAIL', 'no-privileged-containers', ...instance, `${agentFile}:32:21`, 'container "agent": privileged is true'],
      ['FAIL', 'no-privileged-containers', ...standalone, `${agentFile}:32:21`, 'container "agent": privileged is true'],
      [
        'FAIL',
        'host-network-no-privilege',
        ...instance,
        `${agentFile}:32:21`,
        'container "agent": in host network mode, privileged is true and user "0" is uid 0 (root)',
      ],
      [
        'FAIL',
        'host-network-no-privilege',
        ...standalone,
        `${agentFile}:32:21`,
        'container "agent": in host network mode, privileged is true',
      ],
      // On its own, the template's User is a parameter without a Default.
      [
        'UNKNOWN',
        'no-root-user',
        ...standalone,
        `${agentFile}:33:15`,
        'container "agent": user is { "Ref": "referencetoEcsPlatformStackAgentUserRef" }, which cannot be resolved',
      ],
      [
        'UNKNOWN',
        'host-network-nonroot-user',
        ...standalone,
        `${agentFile}:33:15`,
        'container "agent": in host network mode, user is { "Ref": "referencetoEcsPlatformStackAgentUserRef" }, which cannot be resolved',
      ],
      ['FAIL', 'no-host-network', ...instance, `${agentFile}:39:20`, 'networkMode is "host"'],
      ['FAIL', 'no-host-network', ...standalone, `${agentFile}:39:20`, 'networkMode is "host"'],
      // The Web stack passes only the cluster's Ref, unknown both ways: its template on its own says it all.
      [
        'FAIL',
        'no-root-user',
        'WebTaskDefinitionC5E7A9B1',
        'cdk.out/EcsPlatformStackWeb7A1C9E4F.nested.template.json',
        'cdk.out/EcsPlatformStackWeb7A1C9E4F.nested.template.json:17:15',
        'container "web": user "0" is uid 0 (root)',
      ],
    ]);
    assert.equal(result.summary.taskDefinitions, 3);
  });

  it('fix edits the parent: the value it passes, or its own parameter when that feeds only this stack', async () => {
    await inTempFolder('nested-fix', async (dir) => {
      cpSync(NESTED, dir, { recursive: true });
      const fixed = await runCli(['fix', 'platform.yaml', '--write'], { cwd: dir });
      // The host network mode is left to the author (--network-mode awsvpc): a manual fix remains.
      assert.equal(fixed.code, 1, fixed.stderr);
      assert.match(fixed.stdout, /wrote 1 file; 1 manual fix\n$/);
      const text = readFileSync(path.join(dir, 'platform.yaml'), 'utf8');
      assert.match(text, /AgentUser:\n {4}Type: String\n {4}Default: "1000:1000"\n/);
      assert.match(text, /ContainerUser: "1000:1000"\n/);
      assert.match(text, /RunPrivileged: !If \[IsProd, "false", "false"\]\n/);
      // The nested templates are not changed: their Defaults were safe.
      assert.equal(
        readFileSync(path.join(dir, 'services/agent.yaml'), 'utf8'),
        readFileSync(path.join(NESTED, 'services/agent.yaml'), 'utf8'),
      );
      const again = await run(path.join(dir, 'platform.yaml'));
      assert.deepEqual(
        again.findings.map((f) => [f.status, f.checkId, f.resource.id]),
        [
          ['FAIL', 'no-host-network', 'Agent/AgentTaskDefinition'],
          // Still an instance: the parent passes values other than the Defaults.
        ],
      );
    });
  });

  it("a suppression in the nested template's Metadata also mutes what its parent's values make it fail", async () => {
    await inTempFolder('nested-mute', async (dir) => {
      cpSync(NESTED, dir, { recursive: true });
      const agent = path.join(dir, 'services/agent.yaml');
      const suppressed = readFileSync(agent, 'utf8').replace(
        '    Type: AWS::ECS::TaskDefinition\n',
        '    Type: AWS::ECS::TaskDefinition\n    Metadata:\n      ecsguard:\n        ignore:\n          - id: no-privileged-containers\n' +
          '            reason: the agent reads host metrics\n            expires: 2099-01-31\n',
      );
      writeFileSync(agent, suppressed);
      const scanned = await runCli(['scan', 'platform.yaml', 'services', '--format', 'json'], { cwd: dir });
      const report = JSON.parse(scanned.stdout) as { findings: Finding[] };
      assert.deepEqual(
        report.findings
          .filter((f) => f.checkId === 'no-privileged-containers')
          .map((f) => [f.status, f.resource.id, f.suppression?.source]),
        [
          ['NOTE', 'AgentTaskDefinition', undefined],
          ['MUTED', 'Agent/AgentTaskDefinition', 'services/agent.yaml:27'],
        ],
      );
    });
  });

  it('SAM Location, a value unknown in the parent, a template that nests itself, and one that cannot be read', async () => {
    await inTempFolder('nested-edge', async (dir) => {
      mkdirSync(path.join(dir, 'apps'));
      writeFileSync(
        path.join(dir, 'template.yaml'),
        [
          'AWSTemplateFormatVersion: "2010-09-09"',
          'Transform: AWS::Serverless-2016-10-31',
          'Resources:',
          '  Role:',
          '    Type: AWS::IAM::Role',
          '  Worker:',
          '    Type: AWS::Serverless::Application',
          '    Properties:',
          '      Location: apps/worker.yaml',
          '      Parameters:',
          '        Privileged: "true"',
          '        User: !GetAtt Role.RoleId',
          '  Loop:',
          '    Type: AWS::CloudFormation::Stack',
          '    Properties:',
          '      TemplateURL: apps/loop.yaml',
          '  Broken:',
          '    Type: AWS::CloudFormation::Stack',
          '    Properties:',
          '      TemplateURL: apps/broken.yaml',
          '  FromRepository:',
          '    Type: AWS::Serverless::Application',
          '    Properties:',
          '      Location:',
          '        ApplicationId: arn:aws:serverlessrepo:us-east-1:123456789012:applications/agent',
          '        SemanticVersion: 1.0.0',
          '',
        ].join('\n'),
      );
      writeFileSync(
        path.join(dir, 'apps/worker.yaml'),
        [
          'Parameters:',
          '  Privileged: {Type: String, Default: "false"}',
          '  User: {Type: String, Default: "1000"}',
          'Resources:',
          '  Worker:',
          '    Type: AWS::ECS::TaskDefinition',
          '    Properties:',
          '      ContainerDefinitions:',
          '        - Name: worker',
          '          Image: worker:1',
          '          Privileged: !Ref Privileged',
          '          User: !Ref User',
          '',
        ].join('\n'),
      );
      writeFileSync(
        path.join(dir, 'apps/loop.yaml'),
        ['Resources:', '  Again:', '    Type: AWS::CloudFormation::Stack', '    Properties:', '      TemplateURL: loop.yaml', ''].join(
          '\n',
        ),
      );
      writeFileSync(path.join(dir, 'apps/broken.yaml'), 'Resources:\n  Task:\n    Type: [AWS::ECS::TaskDefinition\n');
      const result = await run(path.join(dir, 'template.yaml'));
      const place = (e: { file?: string; line?: number; column?: number; message: string }) => [
        path.relative(dir, e.file ?? ''),
        e.line,
        e.column,
        e.message,
      ];
      assert.deepEqual(result.errors.map(place), [
        [
          'template.yaml',
          20,
          20,
          `nested stack Broken: its template cannot be read (${path.join(dir, 'apps/broken.yaml')}:4:1: invalid YAML: Flow ` +
            'sequence in block collection must be sufficiently indented and end with a ]); its task definitions are not ' +
            'checked with the parameters this stack passes',
        ],
      ]);
      assert.deepEqual(result.warnings.map(place), [
        [
          'apps/loop.yaml',
          5,
          20,
          `nested stack Loop/Again: its template ${path.join(dir, 'apps/loop.yaml')} is one of the templates that nest it; not read again`,
        ],
        [
          'template.yaml',
          25,
          9,
          'nested stack FromRepository: its template is an application of the Serverless Application Repository, which is not read',
        ],
      ]);
      assert.deepEqual(
        result.findings.map((f) => [f.status, f.checkId, f.resource.id, f.location?.start.line, f.message]),
        [
          ['FAIL', 'no-privileged-containers', 'Worker/Worker', 11, 'container "worker": privileged is "true"'],
          ['UNKNOWN', 'no-root-user', 'Worker/Worker', 12, 'container "worker": user is !Ref User, which cannot be resolved'],
        ],
      );
      // Why, as the source records it.
      const parentFile = path.join(dir, 'template.yaml');
      const output = await cloudFormationSource.load([{ path: parentFile, text: readFileSync(parentFile, 'utf8') }], {});
      const user = at(definition(output, 'Worker/Worker'), 'containerDefinitions', 0, 'user');
      assert.equal(
        user?.kind === 'unresolved' ? user.reason : undefined,
        `parameter User is passed by nested stack Worker in ${path.join(dir, 'template.yaml')} as !GetAtt Role.RoleId: ` +
          'Fn::GetAtt is known only after deployment',
      );
    });
  });

  describe('found in review', () => {
    /** Writes `files` under `dir` (folders made), then scans `paths` (relative to it) with every check. */
    const scanFiles = async (dir: string, files: Record<string, string>, ...paths: string[]) => {
      for (const [name, text] of Object.entries(files)) {
        mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
        writeFileSync(path.join(dir, name), text);
      }
      return run(...paths.map((p) => path.join(dir, p)));
    };
    const verdicts = (findings: Finding[]) => findings.map((f) => [f.status, f.checkId, f.resource.id]);
    const stack = (url: string, parameters: string) =>
      `Resources:\n  App:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: ${url}\n${parameters}`;
    const child = (parameters: string, container: string) =>
      `Parameters:\n${parameters}Resources:\n  Task:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n` +
      `      ContainerDefinitions:\n        - {Name: c, Image: x, ${container}}\n`;

    it('the parent scanned alone reports every definition of its nested template, not only those its values change', async () => {
      await inTempFolder('nested-alone', async (dir) => {
        const result = await scanFiles(
          dir,
          {
            'parent.yaml': stack('child/app.yaml', '      Parameters:\n        User: "1000"\n'),
            'child/app.yaml': child('  User: {Type: String, Default: "1000"}\n', 'Privileged: true, User: !Ref User'),
          },
          'parent.yaml',
        );
        assert.deepEqual(verdicts(result.findings), [['FAIL', 'no-privileged-containers', 'App/Task']]);
      });
    });

    it("conditions are named with their template's path: two templates named template.yaml are not confused", async () => {
      await inTempFolder('nested-conditions', async (dir) => {
        const result = await scanFiles(
          dir,
          {
            'template.yaml':
              'Parameters:\n  Env: {Type: String, Default: prod}\nConditions:\n  IsProd: !Equals [!Ref Env, prod]\nResources:\n' +
              '  Mid:\n    Type: AWS::CloudFormation::Stack\n    Condition: IsProd\n    Properties:\n' +
              '      TemplateURL: mid/template.yaml\n      Parameters: {Stage: dev, MUser: root}\n',
            'mid/template.yaml':
              'Parameters:\n  Stage: {Type: String, Default: prod}\n  MUser: {Type: String, Default: "1000"}\nConditions:\n' +
              '  IsProd: !Equals [!Ref Stage, prod]\nResources:\n  Leaf:\n    Type: AWS::CloudFormation::Stack\n' +
              '    Properties:\n      TemplateURL: leaf/template.yaml\n      Parameters:\n        User: !If [IsProd, "1000", !Ref MUser]\n',
            'mid/leaf/template.yaml': child('  User: {Type: String, Default: "1000"}\n', 'User: !Ref User'),
          },
          'template.yaml',
        );
        assert.deepEqual(
          result.findings.map((f) => [f.status, f.resource.id, f.message]),
          [
            [
              'FAIL',
              'Mid/Leaf/Task',
              `container "c": user "root" is the root user when condition IsProd in ${path.join(dir, 'template.yaml')} is true and ` +
                `condition IsProd in ${path.join(dir, 'mid/template.yaml')} is false`,
            ],
          ],
        );
      });
    });

    it('Parameters chosen by !If give each parameter its value per branch', async () => {
      await inTempFolder('nested-if', async (dir) => {
        const result = await scanFiles(
          dir,
          {
            'parent.yaml':
              'Parameters:\n  Env: {Type: String, Default: dev}\nConditions:\n  C: !Equals [!Ref Env, prod]\n' +
              stack('child.yaml', '      Parameters: !If\n        - C\n        - {User: root}\n        - !Ref AWS::NoValue\n').slice(0),
            'child.yaml': child('  User: {Type: String, Default: "1000"}\n', 'User: !Ref User'),
          },
          'parent.yaml',
        );
        assert.deepEqual(
          result.findings.map((f) => [f.status, f.resource.id, f.message]),
          [
            [
              'FAIL',
              'App/Task',
              `container "c": user "root" is the root user when condition C in ${path.join(dir, 'parent.yaml')} is true`,
            ],
          ],
        );
      });
    });

    it("a fix through the parent's parameter must fit the nested template's AllowedValues too", async () => {
      await inTempFolder('nested-allowed', async (dir) => {
        await scanFiles(dir, {
          'parent.yaml':
            'Parameters:\n  PUser: {Type: String, Default: "0", AllowedValues: ["0", "1000:1000"]}\n' +
            stack('child.yaml', '      Parameters:\n        User: !Ref PUser\n'),
          'child.yaml': child('  User: {Type: String, Default: "1000", AllowedValues: ["0", "1000"]}\n', 'User: !Ref User'),
        });
        const fixed = await runCli(['fix', 'parent.yaml', '--write'], { cwd: dir });
        assert.equal(fixed.code, 1);
        assert.match(fixed.stdout, /\(passed by nested stack App in parent\.yaml as parameter User\).* allows only "0" \(AllowedValues\)/);
        assert.match(fixed.stdout, /nothing to change; 1 manual fix\n$/);
      });
    });

    it('a parameter the nested template does not declare is a warning at the parent', async () => {
      await inTempFolder('nested-undeclared', async (dir) => {
        const result = await scanFiles(
          dir,
          {
            'parent.yaml': stack('child.yaml', '      Parameters:\n        Usr: root\n'),
            'child.yaml': child('  User: {Type: String, Default: "1000"}\n', 'User: !Ref User'),
          },
          'parent.yaml',
        );
        assert.deepEqual(
          result.warnings.map((w) => [path.relative(dir, w.file ?? ''), w.line, w.column, w.message]),
          [
            [
              'parent.yaml',
              7,
              9,
              `nested stack App: passes Usr, which its template ${path.join(dir, 'child.yaml')} does not declare (CloudFormation ` +
                'refuses this)',
            ],
          ],
        );
        assert.deepEqual(result.findings, []);
      });
    });

    it("a parent's parameter whose AllowedValues include root gives its NOTE through the nested template", async () => {
      await inTempFolder('nested-note', async (dir) => {
        const result = await scanFiles(
          dir,
          {
            'parent.yaml':
              'Parameters:\n  PUser: {Type: String, Default: "1000", AllowedValues: ["0", "1000"]}\n' +
              stack('child.yaml', '      Parameters:\n        User: !Ref PUser\n'),
            'child.yaml': child('  User: {Type: String, Default: "1000"}\n', 'User: !Ref User'),
          },
          'parent.yaml',
          'child.yaml',
        );
        assert.deepEqual(
          result.findings.map((f) => [f.status, f.resource.id, f.message]),
          [['NOTE', 'App/Task', 'container "c": user allows "0" (parameter PUser, AllowedValues); under "0", user "0" is uid 0 (root)']],
        );
      });
    });

    it('resources an Fn::ForEach makes from a collection the parent passes are reported', async () => {
      await inTempFolder('nested-foreach', async (dir) => {
        const result = await scanFiles(
          dir,
          {
            'parent.yaml': stack('child.yaml', '      Parameters:\n        Names: "web,agent"\n'),
            'child.yaml':
              'Transform: AWS::LanguageExtensions\nParameters:\n  Names: {Type: CommaDelimitedList, Default: web}\nResources:\n' +
              '  Fn::ForEach::Tasks:\n    - Name\n    - !Ref Names\n    - ${Name}Task:\n        Type: AWS::ECS::TaskDefinition\n' +
              '        Properties:\n          ContainerDefinitions:\n' +
              '            - {Name: !Ref Name, Image: x, User: "1000", Privileged: true}\n',
          },
          'parent.yaml',
          'child.yaml',
        );
        assert.deepEqual(verdicts(result.findings), [
          ['FAIL', 'no-privileged-containers', 'App/webTask'],
          ['FAIL', 'no-privileged-containers', 'App/agentTask'],
          ['FAIL', 'no-privileged-containers', 'webTask'],
        ]);
      });
    });

    it("a template URL whose path ends with a local file's (uploaded from this repository) reads that file", async () => {
      await inTempFolder('nested-url', async (dir) => {
        const result = await scanFiles(
          dir,
          {
            'master.yaml': stack(
              'https://s3.amazonaws.com/templates-1234567890/infrastructure/auth-service.yaml',
              '      Parameters:\n        User: root\n',
            ),
            'infrastructure/auth-service.yaml': child('  User: {Type: String, Default: "1000"}\n', 'User: !Ref User'),
          },
          'master.yaml',
          'infrastructure',
        );
        assert.deepEqual(result.warnings, []);
        assert.deepEqual(
          result.findings.map((f) => [f.status, f.resource.id, path.relative(dir, f.resource.file ?? ''), f.location?.start.line]),
          [['FAIL', 'App/Task', 'infrastructure/auth-service.yaml', 7]],
        );
      });
    });

    it('a nested template the scan finds but skips (not read as a template) is still reported through the parent', async () => {
      await inTempFolder('nested-skipped', async (dir) => {
        // Valid YAML whose top-level mapping is indented: no template to the scan's sniff, one to the nested read.
        const indented = child('  User: {Type: String, Default: "1000"}\n', 'Privileged: true, User: !Ref User')
          .split('\n')
          .map((line) => (line ? `  ${line}` : line))
          .join('\n');
        const result = await scanFiles(dir, { 'parent.yaml': stack('child.yaml', ''), 'child.yaml': indented }, '.');
        assert.deepEqual(verdicts(result.findings), [['FAIL', 'no-privileged-containers', 'App/Task']]);
      });
    });

    it('templates given in memory (the library) are read from there', async () => {
      const result = await scan({
        paths: [],
        checks: CHECKS,
        texts: [
          { path: 'in-memory/parent.yaml', text: stack('child.yaml', '      Parameters:\n        User: root\n') },
          { path: 'in-memory/child.yaml', text: child('  User: {Type: String, Default: "1000"}\n', 'User: !Ref User') },
        ],
      });
      assert.deepEqual(result.warnings, []);
      assert.deepEqual(verdicts(result.findings), [['FAIL', 'no-root-user', 'App/Task']]);
    });

    it('a URL path is decoded: my%20dir is the folder "my dir"', async () => {
      await inTempFolder('nested-encoded', async (dir) => {
        const result = await scanFiles(
          dir,
          {
            'parent.yaml': stack('https://s3.amazonaws.com/bucket/my%20dir/child.yaml', '      Parameters:\n        User: root\n'),
            'my dir/child.yaml': child('  User: {Type: String, Default: "1000"}\n', 'User: !Ref User'),
          },
          'parent.yaml',
        );
        assert.deepEqual(verdicts(result.findings), [['FAIL', 'no-root-user', 'App/Task']]);
      });
    });

    it('nested templates are read as scanned files are: a byte order mark, UTF-16, a folder, a link loop', async () => {
      await inTempFolder('nested-read', async (dir) => {
        const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(child('  U: {Type: String}\n', 'User: !Ref U'), 'utf16le')]);
        mkdirSync(path.join(dir, 'folder.yaml'));
        writeFileSync(path.join(dir, 'utf16.yaml'), utf16);
        const parent =
          'Resources:\n' +
          ['bom.yaml', 'utf16.yaml', 'folder.yaml', 'loop/parent.yaml']
            .map(
              (url, i) =>
                `  S${i}:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: ${url}\n      Parameters: {U: root}\n`,
            )
            .join('');
        symlinkSync('.', path.join(dir, 'loop'));
        const result = await scanFiles(
          dir,
          { 'parent.yaml': parent, 'bom.yaml': `\ufeff${child('  U: {Type: String}\n', 'User: !Ref U')}` },
          'parent.yaml',
        );
        assert.deepEqual(
          result.findings.map((f) => [
            f.status,
            f.resource.id,
            `${path.relative(dir, f.location?.file ?? '')}:${f.location?.start.line}:${f.location?.start.column}`,
          ]),
          [
            ['FAIL', 'S0/Task', 'parent.yaml:6:23'],
            ['FAIL', 'S1/Task', 'parent.yaml:11:23'],
          ],
        );
        assert.deepEqual(
          result.errors.map((e) => e.message),
          [
            `nested stack S2: its template ${path.join(dir, 'folder.yaml')} cannot be read (a folder, not a file); its task ` +
              'definitions are not checked',
          ],
        );
        assert.deepEqual(
          result.warnings.map((e) => e.message),
          [`nested stack S3: its template ${path.join(dir, 'loop/parent.yaml')} is one of the templates that nest it; not read again`],
        );
      });
    });
  });
});
