import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';
import { REPO_ROOT } from '../support/cli.js';

// These read the built package (dist/): npm test builds it first.

const HOOK = `data:text/javascript,${encodeURIComponent(
  "export async function load(url, context, next) { if (url.startsWith('file:')) process.stderr.write('LOADED ' + url + '\\n'); return " +
    'next(url, context); }',
)}`;
const REGISTER = `data:text/javascript,${encodeURIComponent(`import { register } from 'node:module'; register(${JSON.stringify(HOOK)});`)}`;

/** Imports a specifier by the package's own name (Node resolves a package's self-reference through `exports`). */
function importByName(specifier: string, expression: string) {
  const script = `const m = await import(${JSON.stringify(specifier)}); process.stdout.write(String(${expression}));`;
  const run = spawnSync(process.execPath, ['--import', REGISTER, '--input-type=module', '-e', script], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
  assert.equal(run.status, 0, run.stderr);
  const loaded = run.stderr
    .split('\n')
    .filter((line) => line.startsWith('LOADED '))
    .map((line) => line.slice('LOADED file://'.length).replace(`${REPO_ROOT}/`, ''));
  return { stdout: run.stdout, loaded };
}

describe('the package as consumers import it', () => {
  it("import 'ecsguard' gives the library without the command line (no commander, no AWS SDK)", () => {
    const { stdout, loaded } = importByName(
      'ecsguard',
      "[typeof m.scanText, typeof m.fixText, typeof m.scanAccount, 'main' in m].join(' ')",
    );
    assert.equal(stdout, 'function function function false');
    assert.deepEqual(
      loaded.filter((file) => /node_modules\/commander\/|dist\/cli\//.test(file)),
      [],
    );
    assert.deepEqual(
      loaded.filter((file) => /node_modules\/@aws-sdk\//.test(file)),
      [],
    );
  });

  it("import 'ecsguard/cli' gives main", () => {
    const { stdout } = importByName('ecsguard/cli', 'typeof m.main');
    assert.equal(stdout, 'function');
  });
});

const manifest = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

function filesUnder(dir: string, ending: RegExp): string[] {
  return readdirSync(path.join(REPO_ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && ending.test(entry.name))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

const BUILTINS = new Set(builtinModules);

/**
 * Bare package names a file imports (static, dynamic, re-exports, require), without subpaths; with `values`, only
 * what the code loads at run time (`import type` is erased, so a type-only package may be a devDependency).
 */
function importedPackages(file: string, values = false): string[] {
  const text = readFileSync(file, 'utf8');
  const typeOnly = new Set(values ? [...text.matchAll(/^import type [^;]*?from '([^']+)'/gm)].map((m) => m[1]) : []);
  const names = new Set<string>();
  for (const { fileName: specifier } of ts.preProcessFile(text, true, true).importedFiles) {
    if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:') || BUILTINS.has(specifier)) continue;
    if (specifier.startsWith('data:') || typeOnly.has(specifier)) continue;
    const parts = specifier.split('/');
    names.add(specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] as string));
  }
  return [...names];
}

function undeclared(files: string[], declared: Record<string, string>, values = false): string[] {
  const missing = new Set<string>();
  for (const file of files) {
    for (const name of importedPackages(file, values)) {
      if (name !== 'ecsguard' && !(name in declared) && !(`@types/${name}` in declared))
        missing.add(`${name} (${path.relative(REPO_ROOT, file)})`);
    }
  }
  return [...missing].sort();
}

describe('every imported package is declared', () => {
  it('src/ (at run time) and the emitted declarations import only dependencies (what consumers install)', () => {
    assert.deepEqual(undeclared(filesUnder('src', /\.ts$/), manifest.dependencies, true), []);
    assert.deepEqual(undeclared([...filesUnder('dist', /\.d\.ts$/), ...filesUnder('bin', /\.js$/)], manifest.dependencies), []);
  });

  it('tests, benchmarks and scripts import dependencies or devDependencies', () => {
    const all = { ...manifest.dependencies, ...manifest.devDependencies };
    assert.deepEqual(
      undeclared(
        ['test', 'bench', 'scripts'].flatMap((dir) => filesUnder(dir, /\.(ts|js|mjs)$/)),
        all,
      ),
      [],
    );
  });
});
