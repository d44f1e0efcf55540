'use strict';
/* global require, module */
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS file (bin/package.json) */

// Loads the CLI's bundle (dist/bundle/cli.cjs) the way `require` does, with V8's code cache: the bytecode V8 compiled
// for it in an earlier run, as v8-compile-cache keeps it (Node 20 has no module.enableCompileCache). A cache saves
// parsing the megabyte of the bundle and compiling the functions a command runs.
//
// The cache is an optimisation only, never a condition: no cache, an unreadable or unwritable folder, a cache V8
// rejects (another V8, other flags, another bundle) all run the bundle compiled from its source, as `require` would.
// - Where: node_modules/.cache/ecsguard/ in the package, when its node_modules folder is writable; otherwise a folder
//   of the user's own under the temporary directory (ecsguard-code-cache-UID, mode 700), used only if it is a real
//   folder owned by the user that no one else can write (another user's planted cache would be code run as this one).
// - Which: the file is named after the bundle's content hash (written by the build beside it, cli.cjs.sha256), its
//   size and time, and the V8 version, so a rebuilt or edited bundle never reads an older bundle's cache. A bundle
//   without that hash is not known to be the build's (ASCII, read here as Latin-1): `require` loads it, uncached.
// - When: written once, after a run that found none (or had it rejected), atomically (a temporary file renamed over
//   it), replacing the caches of earlier bundles.
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
// node:module's Module, without loading node:module, which brings parts of the ES module loader (a worker thread
// would compile them at its start).
const Module = module.constructor;

const CACHE_PREFIX = 'cli-';
const CACHE_SUFFIX = '.v8cache';

/** The folder the cache lives in, or undefined when there is none the user may safely use. */
function cacheFolder(packageRoot) {
  const modules = path.join(packageRoot, 'node_modules');
  try {
    fs.accessSync(modules, fs.constants.W_OK);
    return path.join(modules, '.cache', 'ecsguard');
  } catch {
    // A package installed where this user cannot write (a global install as root): the user's own temporary folder.
  }
  if (typeof process.getuid !== 'function') return undefined;
  return path.join(require('node:os').tmpdir(), `ecsguard-code-cache-${process.getuid()}`);
}

/** True for a temporary-directory cache folder that is a real folder of this user's, closed to everyone else. */
function privateFolder(folder, packageRoot) {
  if (folder.startsWith(path.join(packageRoot, 'node_modules') + path.sep)) return true;
  try {
    const stat = fs.lstatSync(folder);
    return stat.isDirectory() && stat.uid === process.getuid() && (stat.mode & 0o077) === 0;
  } catch {
    return false;
  }
}

/** The cache file's name for this bundle, or undefined when the build wrote no hash (then there is no cache). */
function cacheName(prefix, file, size, mtimeMs) {
  try {
    const hash = fs.readFileSync(`${file}.sha256`, 'utf8').trim();
    if (!/^[0-9a-f]{64}$/.test(hash)) return undefined;
    return `${prefix}${hash.slice(0, 32)}-${size}-${Math.round(mtimeMs)}-${process.versions.v8}-${process.arch}${CACHE_SUFFIX}`;
  } catch {
    return undefined;
  }
}

/** Whether `entry` is a cache file named with `prefix` (not with a longer prefix that starts the same: cli-tuned-). */
function isCacheOf(prefix, entry) {
  return entry.startsWith(prefix) && /^[0-9a-f]{32}-/.test(entry.slice(prefix.length)) && entry.endsWith(CACHE_SUFFIX);
}

function readCache(location) {
  if (!location || !privateFolder(location.folder, location.packageRoot)) return undefined;
  try {
    return fs.readFileSync(path.join(location.folder, location.name));
  } catch {
    return undefined;
  }
}

function writeCache(location, data) {
  const { folder, name, packageRoot, prefix } = location;
  try {
    fs.mkdirSync(path.dirname(folder), { recursive: true });
    fs.mkdirSync(folder, { recursive: true, mode: 0o700 });
    if (!privateFolder(folder, packageRoot)) return;
    // Worker threads share the process id: each writer has a name of its own.
    const temporary = path.join(folder, `.${name}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
    fs.writeFileSync(temporary, data, { mode: 0o600 });
    fs.renameSync(temporary, path.join(folder, name));
    for (const entry of fs.readdirSync(folder))
      if (entry !== name && isCacheOf(prefix, entry)) fs.rmSync(path.join(folder, entry), { force: true });
  } catch {
    // A cache that cannot be written is a slower next start, nothing more.
  }
}

/**
 * Loads `file` (a CommonJS bundle) as `require` would, compiled with the code cache when there is one; returns its
 * exports, what became of the cache, and `saveCache`, to call once the run is over (the cache then holds the functions
 * the run compiled).
 * Options: `cacheFolder` overrides where the cache lives (tests); `cachePrefix` starts the cache file's name (one
 * cache per prefix is kept: 'cli-' by default, the scan worker's bundle has its own, bin/scan-worker.js);
 * `flagsChange: false` for a bundle that never changes V8's flags (a worker thread: the main thread tunes them).
 */
function loadBundle(file, packageRoot, options = {}) {
  // No V8 flags are set here: a long scan tunes the compiler itself (src/engine/compiler-tuning.ts), after this compile,
  // so the code cache is always made and read with the default flags.
  // Source maps (--enable-source-maps) are registered by require's own compile only; without the vm constant (older
  // Node 20) a vm-compiled bundle could not import() the AWS SDK.
  const importModuleDynamically = vm.constants && vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER;
  if (process.sourceMapsEnabled || !importModuleDynamically) return { exports: require(file), cache: 'off', saveCache() {} };
  const stat = fs.statSync(file);
  const prefix = options.cachePrefix ?? CACHE_PREFIX;
  const name = cacheName(prefix, file, stat.size, stat.mtimeMs);
  // Without the build's hash beside it, the file is not known to be the build's ASCII: require compiles it.
  if (!name) return { exports: require(file), cache: 'none', saveCache() {} };
  // Latin-1 makes a one-byte string at half the cost of UTF-8 decoding; the build checked the file is ASCII.
  const source = fs.readFileSync(file, 'latin1');
  const folder = options.cacheFolder ?? cacheFolder(packageRoot);
  const location = folder ? { folder, name, packageRoot, prefix } : undefined;
  const cachedData = readCache(location);
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) { ${source}\n})`, {
    filename: file,
    cachedData,
    importModuleDynamically,
  });
  const bundle = new Module(file, module);
  bundle.filename = file;
  bundle.paths = Module._nodeModulePaths(path.dirname(file));
  require.cache[file] = bundle;
  script.runInThisContext().call(bundle.exports, bundle.exports, Module.createRequire(file), bundle, file, path.dirname(file));
  bundle.loaded = true;
  let saved = false;
  const saveCache = () => {
    if (saved) return;
    saved = true;
    if (location && (!cachedData || script.cachedDataRejected)) writeCache(location, script.createCachedData());
  };
  // V8 stamps a code cache with a hash of its flags and rejects it under other flags. A long scan changes flags
  // (src/engine/compiler-tuning.ts): a cache made after that would be rejected by every later run, which would then
  // compile the bundle from source and write the cache again. So the cache is made just before flags change, or at
  // the end of a run that changed none.
  if (options.flagsChange !== false) globalThis[BEFORE_FLAGS_CHANGE] = saveCache;
  return {
    exports: bundle.exports,
    /** What the compile had: 'none' (no cache, or no place for one), 'used', or 'rejected' by V8. */
    cache: !cachedData ? 'none' : script.cachedDataRejected ? 'rejected' : 'used',
    saveCache,
  };
}

/** The function the bundle calls before it changes V8's flags (src/engine/compiler-tuning.ts). */
const BEFORE_FLAGS_CHANGE = Symbol.for('ecsguard.beforeV8FlagsChange');

module.exports = { loadBundle };
