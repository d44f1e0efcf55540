// `npm test`: builds (`tsc -b tsconfig.test.json`, TypeScript 7: dist/, and the tests emitted as JavaScript; then the
// CLI bundle), then runs every test/**/*.test.ts (its compiled .js) in node's test runner, whose closing lines
// (`# pass N`, `# fail N`) CI reads.
// The linters (test/support/linters.mjs) read the sources, not the build: they start after the build, alongside the
// tests; test/lint.test.ts asserts on their results.
//
// Starting a node process and loading the modules a test needs (the CLI, the AWS SDK, the parsers) costs 0.3 to 1 s
// of CPU, more than most test files take to run. So test files share processes: each process (a "group") loads a
// few files, each file's tests inside a suite named after the file (`test/x/y.test.ts`, which is what a failure
// shows), and runs them one file after another. A file keeps its own before/after hooks and runs its tests in
// order, as in a process of its own. Groups hold files of one folder where they can (they load the same modules),
// sized by the CPU each file took the last time (node_modules/.cache/ecsguard-test/test-timings.json) or an
// estimate, and run in parallel, longest first (by the wall time they took the last time, so that groups that mostly
// wait start early). A file gets a process of its own when it must: top-level await in
// its module graph (a group loads files with a synchronous require), or `// run-tests: own process` in its source.
//
// Plain node, no TypeScript loader: a loader costs about a second of CPU per test process.
// `npm test -- test/cli/scan-cli.test.ts …` runs only the files named. TEST_PLAN=1 prints the groups instead of
// running them; TEST_TIMINGS=1 prints each file's time and CPU (its share of its process, and the programs it
// started) after the run; TEST_CONCURRENCY sets how many processes run at once; TEST_TIMINGS_SNAPSHOT=1 (a full
// run) refreshes test/support/test-timings.json, the timings a fresh clone plans with.
import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { LINTERS, startLinter } from './linters.mjs';

const require = createRequire(import.meta.url);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** tsconfig.test.json's outDir. */
const OUT = path.join(ROOT, 'node_modules/.cache/ecsguard-test');
/** Where this run's group entry files and timings go. */
const RUN = path.join(OUT, '.run');
/** Each file's seconds and CPU seconds from the last run that ran it. */
const TIMINGS = path.join(OUT, 'test-timings.json');
/**
 * The same from a full run, kept in the repository for a fresh clone (CI), which has no TIMINGS yet: without them
 * the groups are sized and ordered by guesses, and a file that mostly waits, guessed light, may start last and end
 * the run alone. Refresh it after tests change much: `TEST_TIMINGS_SNAPSHOT=1 npm test` writes it after a full run.
 */
const SNAPSHOT = path.join(ROOT, 'test/support/test-timings.json');
/** The lint test waits for the linters (started once the build is done), so it starts first, in a process of its own. */
const FIRST = 'test/lint.test.ts';
/**
 * A group's files should take about this many CPU seconds together (a file that takes more is a group alone): enough
 * to make a process's start-up small beside its work, few enough that the groups balance over the processes at once.
 */
const GROUP_CPU = 8;
/**
 * A group's share of the run's wall time at most (the sum of the files' seconds, over the four processes at once:
 * a twelfth is a third of one process's share), so that the last groups to end end close together.
 */
const GROUP_WALL = 1 / 12;
/** Whether each module's graph awaits at top level, by real path (test files share their support modules). */
const graphCache = new Map();
/** Whether each module awaits at top level itself, kept between runs. */
const AWAITS = path.join(OUT, 'top-level-await.json');
const awaitCache = readJson(AWAITS);
/** TypeScript's parser, loaded only when a module that uses `await` has not been looked at yet. */
let ts;

const named = process.argv.slice(2);
const sources = named.length > 0 ? named.map((file) => path.relative(ROOT, path.resolve(file)).split(path.sep).join('/')) : allTests();

rmSync(RUN, { recursive: true, force: true });
mkdirSync(RUN, { recursive: true });
/** The linters, started once the build is done (see below). */
let linting = [];
const stopLinters = () => {
  for (const { child } of linting) if (child.exitCode === null) child.kill();
};
// TypeScript 7 (the native compiler; npm alias `typescript7`) type-checks and emits: the same diagnostics and the same
// JavaScript as TypeScript 5.9 (which typescript-eslint and tsx still need) for about a quarter of the CPU.
const build = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/typescript7/bin/tsc'), '-b', 'tsconfig.test.json'], {
  cwd: ROOT,
  stdio: 'inherit',
});
if (build.status !== 0) {
  stopLinters();
  process.exit(build.status ?? 1);
}
// The CLI bundle bin/ runs (dist/bundle/), which the tests that spawn bin/ use; built again only when one of its
// inputs changed (about a CPU second, before any test starts).
if (!bundleIsFresh()) {
  const bundle = spawnSync(process.execPath, [path.join(ROOT, 'scripts/build-cli.mjs')], { cwd: ROOT, stdio: 'inherit' });
  if (bundle.status !== 0) {
    stopLinters();
    process.exit(bundle.status ?? 1);
  }
}

// The linters read the sources, not the build, but start only now: the build is the one step nothing else runs
// beside, and on a fresh clone (tests compiled from nothing) the linters' type-aware pass would take half the cores
// it has. Beside the tests they take CPU the test processes would otherwise share; test/lint.test.ts waits for them.
if (sources.includes(FIRST) && process.env.TEST_PLAN !== '1')
  linting = LINTERS.map((linter) => startLinter(linter, path.join(RUN, 'lint')));

// A compiled test's `../../src/x.js` is OUT/src/x.js: the built module in dist/ (one build, the one bin/ runs).
const link = path.join(OUT, 'src');
if (!existsSync(link) || !lstatSync(link).isSymbolicLink()) {
  rmSync(link, { recursive: true, force: true });
  symlinkSync(path.relative(OUT, path.join(ROOT, 'dist')), link, 'dir');
}

const tests = sources.map((file) => {
  const js = path.join(OUT, file.replace(/\.ts$/, '.js'));
  if (!file.endsWith('.test.ts') || !existsSync(js)) {
    console.error(`run-tests: no compiled test for ${file} (is it a test/**/*.test.ts file? run tsc -b tsconfig.test.json)`);
    process.exit(2);
  }
  return { file, js, cpu: 0, ownProcess: file === FIRST || needsOwnProcess(file, js) };
});

writeFileSync(AWAITS, JSON.stringify(awaitCache));
const previous = { ...readJson(SNAPSHOT), ...readJson(TIMINGS) };
for (const test of tests) {
  test.cpu = previous[test.file]?.cpu ?? estimate(test.js);
  // Wall seconds in a full run (processes share the cores); untimed, a CPU-bound file's share of two.
  test.seconds = previous[test.file]?.seconds ?? 2 * test.cpu;
}

const first = tests.filter((test) => test.file === FIRST).map((test) => ({ tests: [test], cpu: test.cpu, seconds: test.seconds }));
// Longest first, by the wall time a group held its process the last time: a group that mostly waits (rate limits,
// retries' back-off, child processes) but started last would end the run alone on an idle machine, while started
// early it waits alongside the others' work.
const groups = plan(tests).sort((a, b) => b.seconds - a.seconds || b.cpu - a.cpu);
const entries = [...first, ...groups].map(groupEntry);
if (process.env.TEST_PLAN === '1') {
  for (const group of [...first, ...groups]) {
    const files = group.tests.map((test) => test.file + (test.ownProcess ? ' (own process)' : ''));
    console.log(`${group.cpu.toFixed(1).padStart(6)} cpu ${group.seconds.toFixed(1).padStart(6)} s  ${files.join(', ')}`);
  }
  process.exit(0);
}

// Two processes per core: many test files wait on child processes, servers and the file system.
const concurrency = process.env.TEST_CONCURRENCY ?? String(Math.max(2, availableParallelism() * 2));
// The tests' temporary folders (a few hundred a run) go in one folder of the run's, removed when it ends: a run leaves
// nothing in the system's temporary folder.
const TEMP = mkdtempSync(path.join(tmpdir(), 'ecsguard-test-run-'));
const child = spawn(process.execPath, ['--test', `--test-concurrency=${concurrency}`, ...entries], {
  cwd: ROOT,
  stdio: 'inherit',
  env: {
    ...process.env,
    TMPDIR: TEMP,
    ECSGUARD_TEST_TIMINGS: path.join(RUN, 'timings'),
    ECSGUARD_LINT_RESULTS: path.join(RUN, 'lint'),
  },
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => {
  stopLinters();
  rmSync(TEMP, { recursive: true, force: true });
  const measured = saveTimings();
  if (process.env.TEST_TIMINGS === '1') printTimings(measured);
  process.exit(code ?? (signal ? 1 : 0));
});

/**
 * Whether dist/bundle/ was built after every file it was built from changed: the sources and packages its metafile
 * lists (esbuild reads src/ itself, not tsc's output), the build scripts, package.json and the lockfile (npm gives
 * the files it installs an old time, so a package updated in place shows in the lockfile). A file added to the bundle
 * is imported by one of those, which changed; a missing input or output means a build.
 */
function bundleIsFresh() {
  const dir = path.join(ROOT, 'dist/bundle');
  try {
    const meta = JSON.parse(readFileSync(path.join(dir, 'meta.json'), 'utf8'));
    const outputs = ['meta.json', 'cli.cjs', 'cli.cjs.sha256', 'help.json', 'scan-worker.cjs', 'scan-worker.cjs.sha256'];
    const written = outputs.map((name) => statSync(path.join(dir, name)).mtimeMs);
    for (const output of Object.keys(meta.outputs)) statSync(path.join(ROOT, output));
    const builtAt = Math.min(...written);
    // (Virtual inputs, `namespace:path`, are the build script's own.)
    const files = Object.keys(meta.inputs).filter((input) => !/^[\w-]+:/.test(input));
    const inputs = [...files, 'scripts/build-cli.mjs', 'scripts/help-table.mjs', 'package.json', 'package-lock.json', 'tsconfig.json'];
    return inputs.every((input) => statSync(path.join(ROOT, input)).mtimeMs < builtAt);
  } catch {
    return false;
  }
}

/** Every test/**\/*.test.ts, sorted. Sources, not OUT: a deleted test's stale .js never runs. */
function allTests() {
  return readdirSync(path.join(ROOT, 'test'), { recursive: true })
    .map((name) => path.join('test', String(name)).split(path.sep).join('/'))
    .filter((file) => file.endsWith('.test.ts') && !file.startsWith('test/fixtures/'))
    .sort();
}

/**
 * A group loads its files with require, which refuses a module graph with top-level await: such a file (or one
 * whose relative imports lead to one) runs in a process of its own, as does a file saying `// run-tests: own process`.
 */
function needsOwnProcess(file, js) {
  return readFileSync(path.join(ROOT, file), 'utf8').includes('// run-tests: own process') || graphAwaits(js, new Set());
}

/** Whether the module or one it imports (relative imports: tests, support modules, dist/) awaits at top level. */
function graphAwaits(module, visiting) {
  const real = realpathSync(module);
  const known = graphCache.get(real);
  if (known !== undefined) return known;
  if (visiting.has(real)) return false; // an import cycle: its other modules are being looked at
  visiting.add(real);
  const text = readFileSync(real, 'utf8');
  let found = awaitsAtTopLevel(real, text);
  for (const [, specifier] of found ? [] : text.matchAll(/^(?:import|export)\b[^'"]*?['"](\.{1,2}\/[^'"]+)['"]/gm)) {
    const target = path.resolve(path.dirname(module), specifier);
    if (existsSync(target) && graphAwaits(target, visiting)) {
      found = true;
      break;
    }
  }
  graphCache.set(real, found);
  return found;
}

/** Whether `await` appears outside every function (TypeScript's parser, cached by file size and time). */
function awaitsAtTopLevel(file, text) {
  if (!/\bawait\b/.test(text)) return false;
  const { size, mtimeMs } = statSync(file);
  const key = `${size}:${mtimeMs}`;
  const cached = awaitCache[file];
  if (cached?.key === key) return cached.found;
  ts ??= require('typescript');
  let found = false;
  const visit = (node) => {
    if (found || ts.isFunctionLike(node) || ts.isClassStaticBlockDeclaration(node)) return;
    if (ts.isAwaitExpression(node) || (ts.isForOfStatement(node) && node.awaitModifier)) found = true;
    else ts.forEachChild(node, visit);
  };
  visit(ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.JS));
  awaitCache[file] = { key, found };
  return found;
}

/** CPU seconds a file not yet timed may take: files that start programs, servers or browsers take most. */
function estimate(js) {
  const text = readFileSync(js, 'utf8');
  const starts = (text.match(/runBuiltCli|spawn\(|spawnSync\(|execFile|startEcsEmulator|startOrganizationEmulator|chromium/g) ?? []).length;
  return 0.5 + Math.min(starts, 10) * 0.5 + statSync(js).size / 20_000;
}

/**
 * Groups files of the same folder (they load the same modules) until a group has about GROUP_CPU of work or holds its
 * process for GROUP_WALL of the run's wall seconds (a group that mostly waits must not become the run's tail); a
 * file in a process of its own is a group alone.
 */
function plan(all) {
  const maxSeconds = GROUP_WALL * all.reduce((sum, test) => sum + test.seconds, 0);
  const empty = () => ({ tests: [], cpu: 0, seconds: 0 });
  const full = (group, cpu, seconds) => group.tests.length > 0 && (group.cpu + cpu > GROUP_CPU || group.seconds + seconds > maxSeconds);
  const groups = [];
  const byFolder = new Map();
  for (const test of all) {
    if (test.file === FIRST) continue;
    if (test.ownProcess) {
      groups.push({ tests: [test], cpu: test.cpu, seconds: test.seconds });
      continue;
    }
    const folder = path.posix.dirname(test.file);
    byFolder.set(folder, [...(byFolder.get(folder) ?? []), test]);
  }
  for (const folderTests of byFolder.values()) {
    let group = empty();
    for (const test of [...folderTests].sort((a, b) => b.cpu - a.cpu)) {
      if (full(group, test.cpu, test.seconds)) {
        groups.push(group);
        group = empty();
      }
      group.tests.push(test);
      group.cpu += test.cpu;
      group.seconds += test.seconds;
    }
    if (group.tests.length > 0) groups.push(group);
  }
  // Small groups of different folders share a process too.
  const small = groups
    .filter((group) => group.cpu < GROUP_CPU / 2 && group.seconds < maxSeconds / 2 && !group.tests[0].ownProcess)
    .sort((a, b) => b.cpu - a.cpu);
  const merged = groups.filter((group) => !small.includes(group));
  let group = empty();
  for (const next of small) {
    if (full(group, next.cpu, next.seconds)) {
      merged.push(group);
      group = empty();
    }
    group.tests.push(...next.tests);
    group.cpu += next.cpu;
    group.seconds += next.seconds;
  }
  if (group.tests.length > 0) merged.push(group);
  return merged;
}

/**
 * Writes the module a group's process runs: it loads the group's files, each into a suite of its own (or imports the
 * one file that needs a process of its own).
 */
function groupEntry(group, index) {
  const entry = path.join(RUN, `group-${String(index + 1).padStart(3, '0')}.mjs`);
  const files = group.tests.map((test) => ({ name: test.file, js: test.js }));
  const support = JSON.stringify(pathToFileURL(path.join(ROOT, 'test/support/test-group.mjs')).href);
  const alone = group.tests.length === 1 && group.tests[0].ownProcess;
  writeFileSync(
    entry,
    `// Generated by test/support/run-tests.mjs: ${files.map((f) => f.name).join(', ')}\n` +
      (alone
        ? `import { runAlone } from ${support};\nawait runAlone(${JSON.stringify(files[0])});\n`
        : `import { createRequire } from 'node:module';\nimport { runGroup } from ${support};\n` +
          `runGroup(createRequire(import.meta.url), ${JSON.stringify(files)});\n`),
  );
  return entry;
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return {};
  }
}

/** Merges this run's per-file timings (written by the groups) into TIMINGS; returns this run's. */
function saveTimings() {
  const folder = path.join(RUN, 'timings');
  const measured = {};
  if (existsSync(folder)) {
    for (const name of readdirSync(folder)) {
      for (const line of readFileSync(path.join(folder, name), 'utf8').split('\n')) {
        if (line.trim() === '') continue;
        const { file, seconds, cpu } = JSON.parse(line);
        measured[file] = { seconds, cpu };
      }
    }
  }
  // A run of a few files shares the cores with fewer processes: its CPU seconds stand, its wall seconds (which order
  // the groups of a full run) do not.
  const kept = Object.fromEntries(
    Object.entries(measured).map(([file, t]) => [file, named.length > 0 && previous[file] ? { ...t, seconds: previous[file].seconds } : t]),
  );
  writeFileSync(TIMINGS, JSON.stringify({ ...previous, ...kept }, null, 1));
  if (process.env.TEST_TIMINGS_SNAPSHOT === '1' && named.length === 0) {
    const rounded = Object.keys(measured)
      .sort()
      .map((file) => [file, { seconds: round(measured[file].seconds), cpu: round(measured[file].cpu) }]);
    writeFileSync(SNAPSHOT, `${JSON.stringify(Object.fromEntries(rounded), null, 1)}\n`);
  }
  return measured;
}

const round = (seconds) => Math.round(seconds * 100) / 100;

function printTimings(measured) {
  const rows = Object.entries(measured).sort((a, b) => b[1].cpu - a[1].cpu);
  const total = rows.reduce((sum, [, t]) => sum + t.cpu, 0);
  console.log(`run-tests: CPU seconds per test file (its process share and the programs it started), total ${total.toFixed(1)}`);
  for (const [file, t] of rows) console.log(`${t.cpu.toFixed(2).padStart(8)} cpu ${t.seconds.toFixed(2).padStart(8)} s  ${file}`);
}
