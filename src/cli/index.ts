/** `ecsguard/cli`: the command line as a function, for wrappers and tests (`import 'ecsguard'` never loads it). */
export { main } from './main.js';
export { processIo, type CliIo } from './io.js';
