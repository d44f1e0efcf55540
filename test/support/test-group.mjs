// One test process running several test files (see run-tests.mjs): each file is loaded inside a suite named after
// it, so its top-level tests and hooks belong to that suite, and the suites run one after another. A file's
// changes to the working folder or to the environment made while its tests run are undone after them; what files
// set while loading (e.g. AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED) stays, as it did in their own process.
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { after, before, describe } from 'node:test';

/** CPU seconds of this process and of the child processes it has waited for (Linux), else of this process. */
function cpuSeconds() {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime, stime, cutime, cstime, in clock ticks (100 per second on Linux).
    return (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1e6;
  }
}

function record(file, seconds, cpu) {
  const folder = process.env.ECSGUARD_TEST_TIMINGS;
  if (!folder) return;
  mkdirSync(folder, { recursive: true });
  appendFileSync(path.join(folder, `${process.pid}.jsonl`), JSON.stringify({ file, seconds, cpu }) + '\n');
}

/**
 * Registers each file's tests in a suite of their own. `require` must come from a module under node_modules (the
 * generated entry), which keeps node 20 from warning that loading ES modules with require is experimental.
 * @param {NodeJS.Require} require
 * @param {Array<{ name: string; js: string }>} files
 */
export function runGroup(require, files) {
  const settled = { env: {}, cwd: process.cwd() };
  for (const { name, js } of files) {
    describe(name, () => {
      let started = { at: 0, cpu: 0 };
      before(() => {
        started = { at: performance.now(), cpu: cpuSeconds() };
      });
      const loading = { at: performance.now(), cpu: cpuSeconds() };
      require(js);
      const loaded = { seconds: (performance.now() - loading.at) / 1000, cpu: cpuSeconds() - loading.cpu };
      after(() => {
        record(name, loaded.seconds + (performance.now() - started.at) / 1000, loaded.cpu + cpuSeconds() - started.cpu);
        restore(settled);
      });
    });
  }
  settled.env = { ...process.env };
}

/** Puts back the working folder and the environment the tests started with. */
function restore({ env, cwd }) {
  if (process.cwd() !== cwd) process.chdir(cwd);
  for (const key of Object.keys(process.env)) if (!(key in env)) Reflect.deleteProperty(process.env, key);
  for (const [key, value] of Object.entries(env)) if (process.env[key] !== value) process.env[key] = value;
}

/**
 * A file that runs in a process of its own (top-level await, or asked for): imported as node would, its time and
 * CPU recorded at exit (the whole process's, start-up included).
 * @param {{ name: string; js: string }} file
 */
export async function runAlone({ name, js }) {
  const start = performance.now();
  process.on('exit', () => record(name, (performance.now() - start) / 1000, cpuSeconds()));
  await import(pathToFileURL(js).href);
}
