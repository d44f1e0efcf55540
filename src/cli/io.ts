/** The streams and environment a CLI run uses: the process's by default, buffers in tests and embedders. */
export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream;
  env: NodeJS.ProcessEnv;
}

/**
 * The process's streams, each taken when first used: node makes a standard stream on first access (standard input
 * read from /dev/null or a file loads the file-stream code), which a run that never reads or writes it need not pay for.
 */
export function processIo(): CliIo {
  return {
    get stdout() {
      return process.stdout;
    },
    get stderr() {
      return process.stderr;
    },
    get stdin() {
      return process.stdin;
    },
    env: process.env,
  };
}

/** What a command is built with: where to write, and where its action's exit code goes. */
export interface CommandContext {
  io: CliIo;
  /** Records an action's exit code; the worst code of the run wins. */
  finish(code: number): void;
}
