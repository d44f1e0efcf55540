// The scan worker's entry when the command line runs (src/engine/pool.ts starts it with the path bin/ecsguard.js
// gives): the worker's bundle (dist/bundle/scan-worker.cjs, scripts/build-cli.mjs) compiled with V8's code cache, as
// bin/load-bundle.js compiles the CLI's. Each worker thread compiles its own copy of the code it runs; from the cache
// it neither parses the bundle nor compiles the parsers and checks the first batch runs.
'use strict';
/* global require, __dirname */
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS file (bin/package.json) */

const path = require('node:path');
const { parentPort, workerData } = require('node:worker_threads');
const { loadBundle } = require('./load-bundle.js');

// V8 stamps a cache with its flags, which a long scan tunes before it starts its workers (src/engine/compiler-tuning.ts):
// a cache for each, so that short and long scans do not replace each other's.
function start(v8Flags) {
  const flags = v8Flags === 'tuned' ? 'tuned' : 'default';
  const loaded = loadBundle(path.join(__dirname, '../dist/bundle/scan-worker.cjs'), path.join(__dirname, '..'), {
    cachePrefix: `worker-${flags}-`,
    flagsChange: false,
    // Tests keep their caches apart.
    ...(workerData && typeof workerData.cacheFolder === 'string' ? { cacheFolder: workerData.cacheFolder } : {}),
  });

  // A worker is terminated, it never ends by itself: the cache is made when its first batch is done, before the answer
  // is sent (after it, the main thread could end the worker in the middle of the write). It then holds the code that
  // batch compiled. Only a run that found no usable cache makes one.
  if (loaded.cache === 'none' || loaded.cache === 'rejected') {
    const post = parentPort.postMessage;
    parentPort.postMessage = function saveCacheThenPost(...args) {
      parentPort.postMessage = post;
      loaded.saveCache();
      return post.apply(this, args);
    };
  }
}

start(workerData && workerData.v8Flags);
