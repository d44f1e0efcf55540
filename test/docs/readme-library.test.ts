import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REPO_ROOT } from '../support/cli.js';
import { EMULATOR_CREDENTIALS, type EcsEmulator, startEcsEmulator } from '../support/ecs-emulator/index.js';

// The README's "Library use" examples, compiled against the built package (dist/ and its declarations, as a
// consumer's `import 'ecsguard'` resolves them) and run; each prints the `// →` lines written under it. One run of the
// TypeScript 7 compiler `npm test` builds with type-checks the examples and emits them as a consumer's build would
// (TypeScript 5.9's API took about 8 CPU seconds to do the same; the diagnostics are the same).

interface Example {
  line: number;
  code: string;
  expected: string;
}

function readmeExamples(): Example[] {
  const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('\n## Library use\n');
  assert.ok(start >= 0, 'README has a "Library use" section');
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end < 0 ? undefined : end);
  const firstLine = readme.slice(0, start).split('\n').length + 1;
  return [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => {
    const code = match[1] as string;
    const expected = code
      .split('\n')
      .filter((line) => line.startsWith('// → '))
      .map((line) => `${line.slice('// → '.length)}\n`)
      .join('');
    return { line: firstLine + section.slice(0, match.index).split('\n').length - 1, code, expected };
  });
}

/** A consumer's project: its node_modules/ecsguard is this package (as `npm install` of it would be). */
function consumerProject(examples: Example[]): { dir: string; files: string[] } {
  const dir = mkdtempSync(path.join(tmpdir(), 'ecsguard-readme-'));
  mkdirSync(path.join(dir, 'node_modules'));
  symlinkSync(REPO_ROOT, path.join(dir, 'node_modules', 'ecsguard'), 'dir');
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'consumer', type: 'module', private: true }));
  const files = examples.map((example, index) => {
    const file = path.join(dir, `example-${index + 1}.ts`);
    writeFileSync(file, example.code);
    return file;
  });
  return { dir, files };
}

/**
 * Type-checks the examples as a strict NodeNext consumer project and emits each beside its source (`example-N.js`,
 * ES modules: the project's package.json says `"type": "module"`), emitting even when there are errors. Returns the
 * errors, one per line as tsc prints them (`example-1.ts(3,5): error TS2345: ...`).
 */
function compile(dir: string, files: string[]): string[] {
  writeFileSync(
    path.join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        skipLibCheck: true,
        types: ['node'],
        typeRoots: [path.join(REPO_ROOT, 'node_modules/@types')],
      },
      files: files.map((file) => path.basename(file)),
    }),
  );
  const tsc = spawnSync(process.execPath, [path.join(REPO_ROOT, 'node_modules/typescript7/bin/tsc'), '-p', dir, '--pretty', 'false'], {
    cwd: dir,
    encoding: 'utf8',
  });
  assert.ok(tsc.status === 0 || tsc.status === 2, `tsc exited ${String(tsc.status)}: ${tsc.stderr}${tsc.stdout}`);
  for (const file of files) assert.ok(existsSync(file.replace(/\.ts$/, '.js')), `tsc emitted ${path.basename(file)}`);
  return tsc.stdout.split('\n').filter((line) => line.trim() !== '');
}

function runExample(file: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  // Run from the repository so examples/ paths resolve.
  const js = file.replace(/\.ts$/, '.js');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [js], { cwd: REPO_ROOT, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += String(d)));
    child.stderr.on('data', (d: Buffer) => (stderr += String(d)));
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ code, stdout, stderr });
    });
  });
}

describe('README "Library use" examples (built package)', () => {
  const examples = readmeExamples();
  let project: { dir: string; files: string[] };
  let typeErrors: string[];
  let emulator: EcsEmulator;
  let env: Record<string, string>;
  before(async () => {
    project = consumerProject(examples);
    typeErrors = compile(project.dir, project.files);
    // The live example reaches the emulator through the SDK's own endpoint and credential variables.
    emulator = await startEcsEmulator({ regions: ['eu-west-1'] });
    emulator.account.registerTaskDefinition('eu-west-1', {
      family: 'agent',
      containerDefinitions: [{ name: 'agent', image: 'agent:1', privileged: true, user: '1000' }],
    });
    emulator.account.createService('eu-west-1', { cluster: 'prod', name: 'agent', taskDefinition: 'agent:1', desiredCount: 1 });
    env = {
      AWS_ENDPOINT_URL: emulator.endpoint,
      AWS_ACCESS_KEY_ID: EMULATOR_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: EMULATOR_CREDENTIALS.secretAccessKey,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      XDG_CACHE_HOME: project.dir,
    };
  });
  after(async () => {
    await emulator?.stop();
    if (project) rmSync(project.dir, { recursive: true, force: true });
  });

  it('there are examples, and each says what it prints', () => {
    assert.ok(examples.length >= 5, `${examples.length} examples`);
    for (const example of examples) assert.notEqual(example.expected, '', `README.md:${example.line} has no "// →" lines`);
  });

  it('they type-check against the emitted declarations', () => {
    assert.deepEqual(typeErrors, []);
  });

  for (const [index, example] of examples.entries()) {
    it(`README.md:${example.line} runs and prints what it says`, async () => {
      const run = await runExample(project.files[index] as string, env);
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stderr, '');
      assert.equal(run.stdout, example.expected);
    });
  }
});
