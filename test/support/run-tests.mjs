// `npm test`, after `tsc -b tsconfig.test.json` has built dist/ and emitted the tests as JavaScript: runs every
// test/**/*.test.ts (its compiled .js) in node's test runner, whose closing lines (`# pass N`, `# fail N`) CI reads.
// Plain node, no TypeScript loader: a loader costs about a second of CPU per test process.
// `npm test -- test/cli/scan-cli.test.ts …` runs only the files named.
import { spawn } from 'node:child_process';
import { existsSync, lstatSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** tsconfig.test.json's outDir. */
const OUT = path.join(ROOT, 'node_modules/.cache/ecsguard-test');
/** The lint test runs longest (type-aware ESLint on a cold cache), so it starts first. */
const FIRST = 'test/lint.test.ts';

// A compiled test's `../../src/x.js` is OUT/src/x.js: the built module in dist/ (one build, the one bin/ runs).
const link = path.join(OUT, 'src');
if (!existsSync(link) || !lstatSync(link).isSymbolicLink()) {
  rmSync(link, { recursive: true, force: true });
  symlinkSync(path.relative(OUT, path.join(ROOT, 'dist')), link, 'dir');
}

const named = process.argv.slice(2);
const sources = named.length > 0 ? named.map((file) => path.relative(ROOT, path.resolve(file))) : allTests();
const compiled = sources.map((file) => {
  const js = path.join(OUT, file.replace(/\.ts$/, '.js'));
  if (!file.endsWith('.test.ts') || !existsSync(js)) {
    console.error(`run-tests: no compiled test for ${file} (is it a test/**/*.test.ts file? run tsc -b tsconfig.test.json)`);
    process.exit(2);
  }
  return js;
});

// Two processes per core: many test files wait on child processes, servers and the file system.
const concurrency = process.env.TEST_CONCURRENCY ?? String(Math.max(2, availableParallelism() * 2));
const child = spawn(process.execPath, ['--test', `--test-concurrency=${concurrency}`, ...compiled], { cwd: ROOT, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

/** Every test/**\/*.test.ts, sorted, the lint test first. Sources, not OUT: a deleted test's stale .js never runs. */
function allTests() {
  const files = readdirSync(path.join(ROOT, 'test'), { recursive: true })
    .map((name) => path.join('test', String(name)))
    .filter((file) => file.endsWith('.test.ts') && !file.startsWith(path.join('test', 'fixtures') + path.sep))
    .sort();
  return [...files.filter((file) => file === FIRST), ...files.filter((file) => file !== FIRST)];
}
