#!/usr/bin/env node
// Runs the compiled CLI; `npm ci` builds it through the `prepare` script.
//
// CommonJS (see bin/package.json), so this line runs before anything starts libuv's thread pool:
// the ES module loader starts it while loading the entry, and its size is read once, then. The
// pool runs password hashes, and each thread that ever ran one keeps that hash's 16 MiB scrypt
// buffer in its malloc arena for good; hashes beyond one per core finish no sooner. So the pool
// gets one thread per core, up to libuv's default of 4, unless UV_THREADPOOL_SIZE says otherwise.
'use strict';
if (process.env.UV_THREADPOOL_SIZE === undefined) {
  process.env.UV_THREADPOOL_SIZE = String(Math.max(1, Math.min(4, require('node:os').availableParallelism())));
}
import('../dist/cli/main.js');
