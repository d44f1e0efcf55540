import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { REPO_ROOT, fixture } from '../support/cli.js';

// A module hook in the child process lists every ES module it loads (files and node: builtins), and at exit every
// CommonJS module in require's cache (what `require()` loaded, which module hooks do not see) and every builtin
// module Node loaded (process.moduleLoadList: a builtin `require`d by the bundle), so the test sees what
// each command costs at start. bin/ runs the CLI's bundle, one CommonJS file (dist/bundle/cli.cjs,
// scripts/build-cli.mjs) in which esbuild wraps each source module in a function named after its source path, run
// on the module's first import: the child runs with V8's coverage on, and the wrappers that ran are the source files
// the command loaded (the bundle's metafile lists the file's source files; those esbuild did not wrap run always).
const HOOK = `data:text/javascript,${encodeURIComponent(
  "export async function load(url, context, next) { if (url.startsWith('file:') || url.startsWith('node:')) process.stderr.write('LOADED " +
    "' + url + '\\n'); return next(url, context); }",
)}`;
const REGISTER = `data:text/javascript,${encodeURIComponent(
  `import { createRequire, register } from 'node:module'; register(${JSON.stringify(HOOK)});
   const cache = createRequire(process.cwd() + '/').cache;
   process.on('exit', () => {
     for (const file of Object.keys(cache)) process.stderr.write('LOADED file://' + file + '\\n');
     for (const entry of process.moduleLoadList) if (/^NativeModule (?!internal\\/)/.test(entry)) process.stderr.write('LOADED node:' + ` +
    `entry.slice(13) + '\\n');
   });`,
)}`;

const BUNDLE = 'dist/bundle/cli.cjs';

interface Metafile {
  outputs: Record<string, { inputs: Record<string, unknown> }>;
}

interface Loaded {
  /** Files read from the repository (bin/, dist/, node_modules/), relative to it. */
  files: string[];
  /** The source files and packages those files hold: of the CLI bundle, the modules that ran (src/…, node_modules/…). */
  sources: string[];
  /** node: builtins imported as ES modules. */
  builtins: string[];
}

interface Coverage {
  result: Array<{ url: string; functions: Array<{ functionName: string; ranges: Array<{ count: number }> }> }>;
}

/** The module wrappers of the CLI bundle (esbuild's `__esm`/`__commonJS`: a method named after the source file). */
function wrappedModules(): Set<string> {
  const text = readFileSync(path.join(REPO_ROOT, BUNDLE), 'utf8');
  // A string key followed by a parameter list and a body is a method definition: `"src/engine/scan.ts"(){`.
  return new Set(
    [...text.matchAll(/"((?:src|node_modules)\/[^"\n]+|lazy-builtin:[^"\n]+)"\([\w$,]*\)\s*\{/g)].map((match) => match[1] as string),
  );
}

/** The functions of the CLI bundle that ran, by name, from the V8 coverage files of a run. */
function functionsRun(coverageDir: string): Set<string> {
  const url = pathToFileURL(path.join(REPO_ROOT, BUNDLE)).href;
  const ran = new Set<string>();
  for (const file of readdirSync(coverageDir)) {
    const coverage = JSON.parse(readFileSync(path.join(coverageDir, file), 'utf8')) as Coverage;
    for (const script of coverage.result.filter((s) => s.url === url))
      for (const fn of script.functions) if ((fn.ranges[0]?.count ?? 0) > 0) ran.add(fn.functionName);
  }
  return ran;
}

/** Runs of the same command line load the same modules: each is run once (a child with coverage costs most here). */
const runs = new Map<string, Loaded>();

function loadedBy(args: string[]): Loaded {
  const key = args.join('\n');
  const known = runs.get(key);
  if (known) return known;
  const loaded = loadedByRun(args);
  runs.set(key, loaded);
  return loaded;
}

function loadedByRun(args: string[]): Loaded {
  const coverageDir = mkdtempSync(path.join(tmpdir(), 'ecsguard-coverage-'));
  try {
    const run = spawnSync(process.execPath, ['--import', REGISTER, path.join(REPO_ROOT, 'bin/ecsguard.js'), ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, NO_COLOR: '1', CI: 'true', NODE_V8_COVERAGE: coverageDir },
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
    const wrapped = wrappedModules();
    const ran = files.includes(BUNDLE) ? functionsRun(coverageDir) : new Set<string>();
    const sources = files.flatMap((file) => {
      const output = meta.outputs[file];
      if (!output) return [file];
      const inputs = Object.keys(output.inputs);
      return file === BUNDLE ? inputs.filter((input) => !wrapped.has(input) || ran.has(input)) : inputs;
    });
    return { files, sources, builtins: urls.filter((url) => url.startsWith('node:')) };
  } finally {
    rmSync(coverageDir, { recursive: true, force: true });
  }
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
    assert.ok(loaded.files.includes(BUNDLE));
  });

  it('--version loads the manifest alone: no bundle, no command parser, no package', () => {
    const loaded = loadedBy(['--version']);
    assert.deepEqual(loaded.files.sort(), ['bin/ecsguard.js', 'package.json']);
  });

  it('--help, help COMMAND and COMMAND --help are answered from the help table: no bundle, no command parser', () => {
    // dist/bundle/help.json is read as a file; test/cli/help-table.test.ts checks that its text is commander's.
    for (const args of [['--help'], ['-h'], ['help'], ['help', 'scan'], ['scan', '--help'], ['fix', '-h']])
      assert.deepEqual(loadedBy(args).files, ['bin/ecsguard.js'], args.join(' '));
  });

  it('help commander formats (here after a root option) loads the command parser and the command list, no command', () => {
    const loaded = loadedBy(['--no-config', '--help']);
    assert.ok(loaded.sources.includes('src/cli/main.ts'));
    assert.ok(loaded.sources.includes('node_modules/commander/lib/command.js'));
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

  it('scan --help (formatted by commander) loads the scan command only: no engine, no source, no schema, no other command', () => {
    const loaded = loadedBy(['--no-config', 'scan', '--help']);
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

  it('a file scan does not load the AWS SDK, schemas, glob matching, node:crypto or node:v8', () => {
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
    // The live scan's cache and atomic writes hash and name files with node:crypto, which costs about 8 ms to load;
    // node:v8 (compiler tuning, heap growth, the collector) only a long scan needs.
    assert.deepEqual(
      loaded.builtins.filter((url) => url === 'node:crypto' || url === 'node:v8'),
      [],
    );
  });

  it(
    'a one-file JSON scan with text output loads no other source, no YAML or HCL parser, no peers, no fix edits, one reporter, no ' +
      'pool',
    () => {
      const loaded = loadedBy(['scan', fixture('json', 'register-input.json'), '--quiet']);
      assert.ok(loaded.sources.includes('src/sources/json/json-source.ts'), 'the JSON source runs');
      assert.ok(loaded.sources.includes('src/report/text.ts'), 'the text reporter writes');
      assert.deepEqual(
        loaded.sources.filter((file) =>
          new RegExp(
            /src\/sources\/(cloudformation|terraform)\/(?!detect\.ts|ecs-keys\.ts)|node_modules\//.source +
              /(yaml|web-tree-sitter|@tree-sitter-grammars)\/|src\/peers\/(?!tool-names\.ts)|src\/fix\/|src\/report\//.source +
              /(?!text\.ts|formats\.ts|controls\.ts|chunks\.ts|printable\.ts)|src\/engine\/(pool|scan-worker)\.ts/.source,
          ).test(file),
        ),
        [],
      );
    },
  );

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

  describe('CloudFormation templates', () => {
    let dir: string;
    const template = (user: string) =>
      'Resources:\n  Task:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      ContainerDefinitions:\n' +
      `        - Name: app\n          Image: nginx\n          User: ${user}\n`;
    before(() => {
      dir = mkdtempSync(path.join(tmpdir(), 'ecsguard-lazy-yaml-'));
      writeFileSync(path.join(dir, 'plain.yaml'), template("'1000'"));
      // A value with an escape is decoded by js-yaml.
      writeFileSync(path.join(dir, 'escaped.yaml'), template('"\\x30"'));
    });
    after(() => {
      rmSync(dir, { recursive: true, force: true });
    });
    const jsYaml = (files: string[]) => files.filter((file) => file.startsWith('node_modules/js-yaml/'));

    it('a template the one-pass reader reads, with nothing to decode, never loads js-yaml', () => {
      const loaded = loadedBy(['scan', path.join(dir, 'plain.yaml'), '--quiet']);
      assert.ok(loaded.sources.includes('src/sources/cloudformation/yaml-simple-events.ts'));
      assert.deepEqual(jsYaml(loaded.files), []);
    });

    it('a template with a scalar to decode loads js-yaml for it', () => {
      const loaded = loadedBy(['scan', path.join(dir, 'escaped.yaml'), '--quiet']);
      assert.deepEqual(jsYaml(loaded.files), ['node_modules/js-yaml/dist/js-yaml.cjs.js']);
    });
  });

  describe('with exceptions', () => {
    let dir: string;
    before(() => {
      dir = mkdtempSync(path.join(tmpdir(), 'ecsguard-lazy-'));
      writeFileSync(
        path.join(dir, 'exceptions.yaml'),
        'version: 1\nexceptions:\n  - checks: [no-root-user]\n    resources: ["*"]\n    reason: the image sets USER\n    owner: ' +
          'platform-team\n    expires: 2999-01-01\n',
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
