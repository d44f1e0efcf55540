#!/usr/bin/env node
// CommonJS (bin/package.json): a CommonJS entry starts without Node's ES module loader, which costs about a tenth of
// a bare `node` start; nothing on the way to the bundle needs it.
'use strict';
/* global require, __dirname */
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS file */

// The AWS SDK's Node 20 end-of-support notice is for SDK integrators, not ecsguard users; the SDK is pinned by the lockfile.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// A reader that stops early (`ecsguard scan | head`) is not an error worth a stack trace, but not a success either:
// the run ends as a process killed by SIGPIPE does (141), unless its exit code is already known, so a pipeline
// with pipefail never reads a cut-off report as a clean one. The handler is attached when the stream is first
// used: node makes a standard stream (and loads the stream modules behind it) on first access, which a run that
// never writes to it (stderr, mostly) need not pay for.
function onWriteError(error) {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 141);
  throw error;
}
/** The standard streams made so far, by name. */
const madeStreams = {};
for (const name of ['stdout', 'stderr']) {
  const descriptor = Object.getOwnPropertyDescriptor(process, name);
  if (!descriptor || !descriptor.get || !descriptor.configurable) {
    madeStreams[name] = process[name];
    madeStreams[name].on('error', onWriteError);
    continue;
  }
  let stream;
  Object.defineProperty(process, name, {
    configurable: true,
    enumerable: descriptor.enumerable,
    get() {
      if (stream === undefined) {
        stream = descriptor.get.call(process);
        stream.on('error', onWriteError);
        madeStreams[name] = stream;
      }
      return stream;
    },
  });
}

const path = require('node:path');

const BUNDLE_DIR = path.join(__dirname, '../dist/bundle');
const args = process.argv.slice(2);

/**
 * What commander prints for this command line, from dist/bundle/help.json (made by the build from the CLI itself,
 * scripts/build-cli.mjs), when this is one of the help command lines it holds and commander would format it as it
 * was made: both streams pipes or files (on a terminal commander wraps at its width) and colour not forced.
 */
function servedHelp() {
  if (args.length > 2 || process.stdout.isTTY || process.stderr.isTTY) return undefined;
  if (process.env.FORCE_COLOR !== undefined || process.env.CLICOLOR_FORCE !== undefined) return undefined;
  let table;
  try {
    table = JSON.parse(require('node:fs').readFileSync(path.join(BUNDLE_DIR, 'help.json'), 'utf8'));
  } catch {
    return undefined; // not built by this build script: commander answers
  }
  const id = Object.hasOwn(table.forms, args.join('\n')) ? table.forms[args.join('\n')] : undefined;
  return id === undefined ? undefined : table.outputs[id];
}

// `--version` alone needs no command parser: the version is the manifest's.
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  process.stdout.write(`${require('../package.json').version}\n`);
} else {
  const help = servedHelp();
  if (help) {
    process.stdout.write(help.stdout);
    process.stderr.write(help.stderr);
    process.exitCode = help.exitCode;
  } else {
    // The CLI's bundle (dist/bundle/cli.cjs, made by `npm run build`): one file, each module in it run on first use,
    // compiled with V8's code cache when an earlier run left one (bin/load-bundle.js).
    // A scan's worker threads start from bin/scan-worker.js (src/engine/pool.ts): their bundle, with its code cache.
    globalThis[Symbol.for('ecsguard.scanWorkerEntry')] = path.join(__dirname, 'scan-worker.js');
    // A folder scan that will use workers starts its first one now, while this thread loads the bundle and walks.
    require('./early-worker.js').startEarlyWorker(args, path.join(__dirname, 'scan-worker.js'));
    // Its code cache is V8's for the flags it runs under: a scan with an early worker runs tuned from here on.
    const tunedAtStart = globalThis[Symbol.for('ecsguard.v8FlagsTuned')] === true;
    const bundle = require('./load-bundle.js').loadBundle(path.join(BUNDLE_DIR, 'cli.cjs'), path.join(__dirname, '..'), {
      cachePrefix: tunedAtStart ? 'cli-tuned-' : 'cli-',
    });
    bundle.exports.main(args).then((code) => {
      process.exitCode = code;
      bundle.saveCache();
      // A scan is over when main resolves: its reports are in place, its temporary files removed, its workers told to
      // stop. Ending here skips waiting for a stopping worker and tearing down the heaps: 10 to 20 ms of a 1,000-file
      // scan. Only when the standard streams hold nothing unwritten (a pipe is asynchronous on macOS: exit would cut
      // it); other commands end as the event loop empties.
      if (args[0] === 'scan' && !Object.values(madeStreams).some((s) => s.writableLength > 0)) process.exit(code);
    });
  }
}
