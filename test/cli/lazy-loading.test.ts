import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REPO_ROOT, fixture } from '../support/cli.js';

// A module hook in the child process lists every ES module it loads (files and node: builtins), and at exit every
// CommonJS module in require's cache (what `require()` loaded, which module hooks do not see), so the test sees what
// each command costs at start. bin/ runs the CLI's bundle (dist/bundle/, scripts/build-cli.mjs): the bundle's
// metafile says which source files each loaded chunk holds, so the assertions name source files.
const HOOK = `data:text/javascript,${encodeURIComponent(
  "export async function load(url, context, next) { if (url.startsWith('file:') || url.startsWith('node:')) process.stderr.write('LOADED ' + url + '\\n'); return next(url, context); }",
)}`;
const REGISTER = `data:text/javascript,${encodeURIComponent(
  `import { createRequire, register } from 'node:module'; register(${JSON.stringify(HOOK)});
   const cache = createRequire(process.cwd() + '/').cache;
   process.on('exit', () => { for (const file of Object.keys(cache)) process.stderr.write('LOADED file://' + file + '\\n'); });`,
)}`;

interface Metafile {
  outputs: Record<string, { inputs: Record<string, unknown> }>;
}

interface Loaded {
  /** Files read from the repository (bin/, dist/, node_modules/), relative to it. */
  files: string[];
  /** The source files and packages those files hold: a bundle chunk stands for its inputs (src/…, node_modules/…). */
  sources: string[];
  /** node: builtins imported as ES modules. */
  builtins: string[];
}

function loadedBy(args: string[]): Loaded {
  const run = spawnSync(process.execPath, ['--import', REGISTER, path.join(REPO_ROOT, 'bin/ecsguard.js'), ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, NO_COLOR: '1', CI: 'true' },
    encoding: 'utf8',
  });
  assert.ok(run.status === 0 || run.status === 1, run.stderr);
  const urls = run.stderr
    .split('\n')
    .filter((line) => line.startsWith('LOADED '))
    .map((line) => line.slice('LOADED '.length));
  const files = [
    ...new Set(urls.filter((url) => url.startsWith('file://')).map((url) => url.slice('file://'.length).replace(`${REPO_ROOT}/`, ''))),
  ];
  const meta = JSON.parse(readFileSync(path.join(REPO_ROOT, 'dist/bundle/meta.json'), 'utf8')) as Metafile;
  const sources = files.flatMap((file) => {
    const output = meta.outputs[file];
    return output ? Object.keys(output.inputs) : [file];
  });
  return { files, sources, builtins: urls.filter((url) => url.startsWith('node:')) };
}

describe('start-up loads only what the command needs', () => {
  it('the CLI runs from its bundle: nothing from the unbundled dist/ modules', () => {
    const loaded = loadedBy(['scan', fixture('json', 'register-input.json'), '--quiet']);
    assert.deepEqual(
      loaded.files.filter(
        (file) =>
          !file.startsWith('bin/') && !file.startsWith('dist/bundle/') && !file.startsWith('node_modules/') && file !== 'package.json',
      ),
      [],
    );
    assert.ok(loaded.files.includes('dist/bundle/main.js'));
  });

  it('--version loads the version alone: no command parser, no parser, no SDK', () => {
    const loaded = loadedBy(['--version']);
    // The version is the manifest's.
    assert.deepEqual(loaded.files.sort(), ['bin/ecsguard.js', 'dist/bundle/version.js', 'package.json']);
    assert.deepEqual(
      loaded.sources.filter((file) => file.startsWith('node_modules/')),
      [],
    );
  });

  it('--help loads the command parser and the command list, no command', () => {
    const loaded = loadedBy(['--help']);
    assert.deepEqual(
      loaded.sources.filter((file) => /node_modules\//.test(file) && !file.includes('node_modules/commander/')),
      [],
    );
    assert.deepEqual(loaded.sources.filter((file) => file.startsWith('src/')).sort(), [
      'src/cli/exit-code.ts',
      'src/cli/interrupt.ts',
      'src/cli/io.ts',
      'src/cli/main.ts',
      'src/model/errors.ts',
      'src/version.ts',
    ]);
  });

  it('scan --help loads the scan command only: no engine, no source, no schema, no other command', () => {
    const loaded = loadedBy(['scan', '--help']);
    assert.ok(loaded.sources.includes('src/cli/commands/scan.ts'));
    assert.deepEqual(
      loaded.sources.filter((file) => /^src\/cli\/commands\/(?!scan\.ts)/.test(file)),
      [],
    );
    assert.deepEqual(
      loaded.sources.filter((file) =>
        /src\/engine\/scan\.ts|src\/sources\/(json|cloudformation|terraform)\/|node_modules\/(zod|web-tree-sitter|@aws-sdk)\//.test(file),
      ),
      [],
    );
  });

  it('a file scan does not load the AWS SDK, schemas, glob matching or node:crypto', () => {
    const loaded = loadedBy(['scan', fixture('json', 'register-input.json'), '--quiet']);
    assert.ok(
      loaded.sources.some((file) => file.endsWith('src/engine/scan.ts')),
      'the engine runs',
    );
    assert.deepEqual(
      loaded.sources.filter((file) => /node_modules\/@aws-sdk\//.test(file)),
      [],
    );
    // Without a config file, exceptions or a baseline, their schemas and glob matching are not loaded.
    assert.deepEqual(
      loaded.sources.filter((file) => /node_modules\/(zod|picomatch)\//.test(file)),
      [],
    );
    // The live scan's cache and atomic writes hash and name files with node:crypto, which costs about 8 ms to load.
    assert.deepEqual(
      loaded.builtins.filter((url) => url === 'node:crypto'),
      [],
    );
  });

  it('a one-file JSON scan with text output loads no other source, no YAML or HCL parser, no peers, no fix edits, one reporter, no pool', () => {
    const loaded = loadedBy(['scan', fixture('json', 'register-input.json'), '--quiet']);
    assert.ok(loaded.sources.includes('src/sources/json/json-source.ts'), 'the JSON source runs');
    assert.ok(loaded.sources.includes('src/report/text.ts'), 'the text reporter writes');
    assert.deepEqual(
      loaded.sources.filter((file) =>
        /src\/sources\/(cloudformation|terraform)\/(?!detect\.ts|ecs-keys\.ts)|node_modules\/(yaml|web-tree-sitter|@tree-sitter-grammars)\/|src\/peers\/(?!tool-names\.ts)|src\/fix\/|src\/report\/(?!text\.ts|formats\.ts|controls\.ts)|src\/engine\/(pool|scan-worker)\.ts/.test(
          file,
        ),
      ),
      [],
    );
  });

  it('a one-file JSON scan with JSON output loads the peers and the fix editors it prints, still no YAML or HCL parser', () => {
    const loaded = loadedBy(['scan', fixture('json', 'register-input.json'), '--quiet', '--format', 'json']);
    assert.ok(loaded.sources.includes('src/report/json.ts'));
    assert.ok(loaded.sources.includes('src/peers/index.ts'));
    assert.ok(loaded.sources.includes('src/fix/finding-edits.ts'));
    assert.deepEqual(
      loaded.sources.filter((file) =>
        /node_modules\/(yaml|web-tree-sitter)\/|src\/sources\/(cloudformation|terraform)\/(?!detect\.ts|ecs-keys\.ts)/.test(file),
      ),
      [],
    );
  });

  describe('with exceptions', () => {
    let dir: string;
    before(() => {
      dir = mkdtempSync(path.join(tmpdir(), 'ecsguard-lazy-'));
      writeFileSync(
        path.join(dir, 'exceptions.yaml'),
        'version: 1\nexceptions:\n  - checks: [no-root-user]\n    resources: ["*"]\n    reason: the image sets USER\n    owner: platform-team\n    expires: 2999-01-01\n',
      );
    });
    after(() => {
      rmSync(dir, { recursive: true, force: true });
    });

    it('an exceptions file loads its schema and glob matching', () => {
      const loaded = loadedBy([
        'scan',
        fixture('json', 'register-input.json'),
        '--quiet',
        '--exceptions',
        path.join(dir, 'exceptions.yaml'),
      ]);
      assert.ok(loaded.sources.some((file) => file.startsWith('node_modules/zod/')));
      assert.ok(loaded.sources.some((file) => file.startsWith('node_modules/picomatch/')));
    });
  });
});
