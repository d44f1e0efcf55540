import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { main } from '../../src/cli/main.js';
import { REPO_ROOT } from './paths.js';

export { REPO_ROOT };
export const BIN = path.join(REPO_ROOT, 'bin/ecsguard.js');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** The folder the command runs in (default: the repository root); relative paths in `args` are read from there. */
  cwd?: string;
  /** Standard input (default: empty). */
  input?: string | Buffer;
  /** Added to the environment (NO_COLOR=1 and CI=true are set unless overridden); undefined removes a variable. */
  env?: Record<string, string | undefined>;
}

const BASE_ENV = { NO_COLOR: '1', CI: 'true', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };

/** Collects what is written to it; never a TTY, as for a redirected stream. */
function buffer(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
      done();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

let queue: Promise<unknown> = Promise.resolve();

/**
 * Runs `ecsguard <args>` in this process: `main(argv, io)` with buffered streams, the way the bin runs it. The
 * folder and the environment are the process's own (the AWS SDK reads its environment directly), so runs are
 * serialized, and `cwd` and `env` are set for the run and restored after. Test files that share a process
 * (run-tests.mjs) run one after another, so this never races another file.
 */
export function runCli(args: string[], options: CliOptions = {}): Promise<CliRun> {
  const run = queue.then(() => runInProcess(args, options));
  queue = run.catch(() => undefined);
  return run;
}

async function runInProcess(args: string[], options: CliOptions): Promise<CliRun> {
  const out = buffer();
  const err = buffer();
  const stdin = new PassThrough();
  stdin.end(options.input ?? '');
  const added = { ...BASE_ENV, ...options.env };
  const saved = new Map(Object.keys(added).map((key) => [key, process.env[key]]));
  const folder = process.cwd();
  setEnvironment(added);
  try {
    process.chdir(options.cwd ?? REPO_ROOT);
    const code = await main(args, { stdout: out.stream, stderr: err.stream, stdin, env: { ...process.env } });
    return { code, stdout: out.text(), stderr: err.text() };
  } finally {
    process.chdir(folder);
    setEnvironment(Object.fromEntries(saved));
  }
}

function setEnvironment(values: Record<string, string | undefined>): void {
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) Reflect.deleteProperty(process.env, key);
    else process.env[key] = value;
  }
}

/** The environment of a child process: this one's, plus BASE_ENV and `env`. */
function childEnvironment(env: CliOptions['env']): NodeJS.ProcessEnv {
  const merged: NodeJS.ProcessEnv = { ...process.env, ...BASE_ENV, ...env };
  for (const [key, value] of Object.entries(merged)) if (value === undefined) Reflect.deleteProperty(merged, key);
  return merged;
}

/**
 * Runs the built CLI (`bin/ecsguard.js`, npm test builds first) as a real process: for what only a process shows
 * (signals, a closed pipe, the --version fast path, the exit status).
 */
export function runBuiltCli(args: string[], options: CliOptions = {}): CliRun {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    input: options.input ?? '',
    env: childEnvironment(options.env),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** `runBuiltCli` without blocking this process (an emulator in this process must keep answering). */
export function runBuiltCliAsync(args: string[], options: CliOptions = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd ?? REPO_ROOT,
      env: childEnvironment(options.env),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.stdin.end(options.input ?? '');
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ code: code ?? -1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}

export const fixture = (...parts: string[]) => path.join('test/fixtures', ...parts);
