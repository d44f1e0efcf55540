// Bundles the command line for start-up speed: `npm run build` runs it after tsc (so do `npm ci`, through `prepare`,
// and `npm test`, whose tests spawn bin/).
//   dist/bundle/cli.cjs         the CLI (`main` of src/cli/main.ts), what bin/ecsguard.js runs: one CommonJS file.
//                               Node 20 loads ES modules one file at a time (resolve, read through the thread pool,
//                               compile, link), and the split ES module build cost a one-file scan about 50 chunks;
//                               one script is cheaper to start, and V8 can keep its compiled code (bin/code-cache.cjs).
//                               Each module of the file stays lazy: esbuild wraps it in a function named after its
//                               source path, run on its first import (`import()` in a command's action), and packages
//                               outside the bundle are `require`d or imported where the source imports them.
//   dist/bundle/cli.cjs.sha256  its content hash, which names its V8 code cache (bin/load-bundle.js); the file is
//                               ASCII (checked here), so the loader may read it as Latin-1
//   dist/bundle/help.json       what `ecsguard --help`, `ecsguard help scan`, `ecsguard scan --help`… print, made
//                               here by the bundle itself (commander), so bin/ serves them without loading commander
//                               (test/cli/help-table.test.ts proves the text is commander's, for every command)
//   dist/bundle/scan-worker.js  the worker-thread entry the bundled engine starts (src/engine/pool.ts looks for it
//                               next to itself), with its own chunks in dist/bundle/worker/
//   dist/bundle/meta.json       which source files each output holds (test/cli/lazy-loading.test.ts reads it)
// The library (`ecsguard`, `ecsguard/cli`, `ecsguard/config-rule`) stays tsc's output in dist/, with its types.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
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

/**
 * src/version.ts reads the package's manifest by its name at run time (the library's dist/ sits anywhere); the bundle
 * is built from this package, so it holds the name and version as constants: no package self-reference to resolve
 * (the package's exports map) and no manifest to read at every start.
 * @type {import('esbuild').Plugin}
 */
const inlineVersion = {
  name: 'inline-version',
  setup(bundle) {
    bundle.onLoad({ filter: /[/\\]src[/\\]version\.ts$/ }, () => {
      const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
      const contents =
        `export const TOOL_NAME = ${JSON.stringify(manifest.name)};\n` +
        `export const TOOL_VERSION = ${JSON.stringify(manifest.version)};\n`;
      return { contents, loader: 'ts' };
    });
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
  plugins: [inlineVersion, lazyChildProcess, externalPackages],
  logLevel: 'warning',
};

/**
 * The CommonJS bundle's `import.meta.url` (what src/ finds files next to itself with), after the strict mode the
 * sources were written for (a banner comes before esbuild's own "use strict", which would then not count). Made on
 * first use: node:url is not among the modules a worker thread starts with, and compiling it costs the worker's start.
 */
const IMPORT_META_URL_BANNER =
  '"use strict";let __ecsguardUrl;const __ecsguardImportMeta = { get url() { ' +
  'return (__ecsguardUrl ??= require("node:url").pathToFileURL(__filename).href); } };';

/**
 * In a CommonJS bundle, src/'s `createRequire(import.meta.url)` (packages loaded with `require`: js-yaml, yaml,
 * web-tree-sitter) is the bundle's own `require`, which resolves from the bundle's file just the same. Loading
 * node:module for it would compile, in each worker thread, the ES module loader that module brings with it.
 * @type {import('esbuild').Plugin}
 */
const ownRequire = {
  name: 'own-require',
  setup(bundle) {
    bundle.onResolve({ filter: /^node:module$/ }, (args) =>
      /[/\\]src[/\\]/.test(args.importer) && !/[/\\]node_modules[/\\]/.test(args.importer)
        ? { path: 'node:module', namespace: 'own-require' }
        : undefined,
    );
    bundle.onLoad({ filter: /.*/, namespace: 'own-require' }, () => ({
      contents: 'module.exports = { createRequire: () => require };',
      loader: 'js',
    }));
  },
};

/** The CommonJS builds' options: one script each, run through bin/load-bundle.js with V8's code cache. */
const CJS = {
  ...COMMON,
  format: 'cjs',
  plugins: [ownRequire, ...COMMON.plugins],
  banner: { js: IMPORT_META_URL_BANNER },
  // `import()` of a package outside the bundle (the AWS SDK, cli-progress: CommonJS packages, which `import()`
  // loaded as CommonJS anyway) becomes `require`: a script compiled from V8's code cache has no dynamic-import
  // callback on Node 20 (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING), and a require skips the ES module loader.
  supported: { 'dynamic-import': false },
  outExtension: { '.js': '.cjs' },
  // Whitespace and comments out (a quarter of the file to read and parse at every start); names stay, so stack
  // traces still name functions, and the map still points at src/.
  minifyWhitespace: true,
};

/**
 * Two builds from the same sources, in the same folder: the CLI, and the worker, an ES module of its own split at its
 * dynamic imports into chunks of its own (worker/): in one file, the packages a source imports (yaml, web-tree-sitter)
 * would be imported when the worker starts, whatever it is given.
 */
export async function buildCli(outdir = BUNDLE_DIR) {
  rmSync(outdir, { recursive: true, force: true });
  const [cli, worker] = await Promise.all([
    build({
      ...CJS,
      define: { 'import.meta.url': '__ecsguardImportMeta.url', ECSGUARD_CLI_BUNDLE: 'true' },
      entryPoints: { cli: 'src/cli/main.ts' },
      outdir,
    }),
    build({
      ...CJS,
      // Not the CLI: a worker never tunes V8's flags (they are the process's; the main thread tunes them).
      define: { 'import.meta.url': '__ecsguardImportMeta.url' },
      entryPoints: { 'scan-worker': 'src/engine/scan-worker.ts' },
      outdir,
    }),
  ]);
  const metafile = {
    inputs: { ...worker.metafile.inputs, ...cli.metafile.inputs },
    outputs: { ...cli.metafile.outputs, ...worker.metafile.outputs },
  };
  writeFileSync(path.join(outdir, 'meta.json'), JSON.stringify(metafile));
  // What names the bundle's V8 code cache (bin/load-bundle.js): a rebuilt bundle never reads an older one's. The
  // loader reads the file as Latin-1, which is cheaper than UTF-8 and the same for ASCII, which esbuild writes
  // (non-ASCII text escaped; the comments that could hold some are gone).
  for (const name of ['cli.cjs', 'scan-worker.cjs']) {
    const file = path.join(outdir, name);
    const bytes = readFileSync(file);
    const nonAscii = bytes.findIndex((byte) => byte > 0x7f);
    if (nonAscii >= 0) throw new Error(`${file}: a non-ASCII byte at offset ${nonAscii}; bin/load-bundle.js reads it as Latin-1`);
    if (/\bimport\(/.test(bytes.toString('latin1')))
      throw new Error(`${file}: an import() is left, which fails when compiled from the code cache`);
    writeFileSync(`${file}.sha256`, `${createHash('sha256').update(bytes).digest('hex')}\n`);
  }
  writeFileSync(path.join(outdir, 'help.json'), JSON.stringify(helpTable(path.join(outdir, 'cli.cjs'))));
  return metafile;
}

/**
 * Runs scripts/help-table.mjs on the bundle in a child process whose streams are pipes, with colour not forced: the
 * case bin/ serves from the table (on a terminal commander wraps help at its width, so a terminal gets commander).
 */
function helpTable(bundle) {
  const env = { ...process.env };
  for (const name of ['FORCE_COLOR', 'CLICOLOR_FORCE', 'NO_COLOR']) Reflect.deleteProperty(env, name);
  const run = spawnSync(process.execPath, [path.join(ROOT, 'scripts/help-table.mjs'), bundle], {
    cwd: ROOT,
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (run.status !== 0) throw new Error(`help table: ${run.stderr}`);
  return JSON.parse(run.stdout);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await buildCli();
