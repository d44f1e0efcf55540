// Bundles the command line for start-up speed: `npm run build` runs it after tsc (so do `npm ci`, through `prepare`,
// and `npm test`, whose tests spawn bin/). Node 20 loads ES modules one file at a time, each read through the thread
// pool; an unbundled one-file scan loads about 80 of them. esbuild's code splitting puts the CLI in a few dozen
// chunks under dist/bundle/, split at the source's dynamic imports, so each command still loads only its own code.
//   dist/bundle/main.js         the CLI (`main` of src/cli/main.ts), what bin/ecsguard.js runs
//   dist/bundle/version.js      the version alone, for `ecsguard --version`
//   dist/bundle/scan-worker.js  the worker-thread entry the bundled engine starts (src/engine/pool.ts looks for it
//                               next to itself), with its own chunks in dist/bundle/worker/
//   dist/bundle/meta.json       which source files each chunk holds (test/cli/lazy-loading.test.ts reads it)
// The library (`ecsguard`, `ecsguard/cli`, `ecsguard/config-rule`) stays tsc's output in dist/, with its types.
import { build } from 'esbuild';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
export const BUNDLE_DIR = path.join(ROOT, 'dist/bundle');

/**
 * Packages compiled into the bundle: small, pure JavaScript, on the path of every command. Every other package stays
 * an import of node_modules, loaded only where the source loads it: the AWS SDK, the YAML and HCL parsers (they find
 * their own files and wasm next to them), schemas.
 */
const BUNDLED_PACKAGES = new Set(['commander', 'picocolors', 'jsonc-parser']);

/** CommonJS packages in an ES module bundle call `require` (node builtins): give them one. */
const REQUIRE_BANNER =
  'import{createRequire as __ecsguardCreateRequire}from"node:module";const require=__ecsguardCreateRequire(import.meta.url);';

const packageName = (specifier) => specifier.split('/', specifier.startsWith('@') ? 2 : 1).join('/');

/** @type {import('esbuild').Plugin} */
const externalPackages = {
  name: 'external-packages',
  setup(bundle) {
    bundle.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('node:') || BUNDLED_PACKAGES.has(packageName(args.path))) return undefined;
      return { path: args.path, external: true };
    });
  },
};

/**
 * commander requires node:child_process when it loads (about 10 ms of start-up: it is not in Node's snapshot), but
 * uses it only to run executable subcommands, which ecsguard has none of: it gets the module on first use instead.
 * @type {import('esbuild').Plugin}
 */
const lazyChildProcess = {
  name: 'lazy-child-process',
  setup(bundle) {
    bundle.onResolve({ filter: /^node:child_process$/ }, (args) =>
      /[/\\]node_modules[/\\]commander[/\\]/.test(args.importer) ? { path: 'node:child_process', namespace: 'lazy-builtin' } : undefined,
    );
    bundle.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, () => ({
      contents: `let loaded; module.exports = new Proxy({}, { get: (_, key) => (loaded ??= require('node:child_process'))[key] });`,
      loader: 'js',
    }));
  },
};

const COMMON = {
  absWorkingDir: ROOT,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // ESM builds first: jsonc-parser's UMD main requires its own files at run time, which a bundle cannot.
  mainFields: ['module', 'main'],
  banner: { js: REQUIRE_BANNER },
  // Unminified: stack traces name the functions; the maps point at src/ (node --enable-source-maps).
  sourcemap: 'linked',
  sourcesContent: false,
  metafile: true,
  plugins: [lazyChildProcess, externalPackages],
  logLevel: 'warning',
};

/**
 * Three builds from the same sources, in the same folder. The CLI is split at its dynamic imports; the version is a
 * single file, and the worker is split into chunks of its own (worker/), because an entry point of the CLI's build
 * would split every module it shares with the CLI into a chunk of its own (a one-file scan would load twice as many
 * files).
 */
export async function buildCli(outdir = BUNDLE_DIR) {
  rmSync(outdir, { recursive: true, force: true });
  const [cli, version, worker] = await Promise.all([
    build({ ...COMMON, entryPoints: { main: 'src/cli/main.ts' }, outdir, splitting: true }),
    build({ ...COMMON, entryPoints: { version: 'src/version.ts' }, outdir }),
    // Split at its own dynamic imports, into chunks of its own (worker/): in one file, the packages a source imports
    // (yaml, web-tree-sitter) would be imported when the worker starts, whatever it is given.
    build({
      ...COMMON,
      entryPoints: { 'scan-worker': 'src/engine/scan-worker.ts' },
      outdir,
      splitting: true,
      chunkNames: 'worker/[name]-[hash]',
    }),
  ]);
  const metafile = {
    inputs: { ...worker.metafile.inputs, ...version.metafile.inputs, ...cli.metafile.inputs },
    outputs: { ...cli.metafile.outputs, ...version.metafile.outputs, ...worker.metafile.outputs },
  };
  writeFileSync(path.join(outdir, 'meta.json'), JSON.stringify(metafile));
  return metafile;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await buildCli();
