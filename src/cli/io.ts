/** The streams and environment a CLI run uses: the process's by default, buffers in tests and embedders. */
export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream;
  env: NodeJS.ProcessEnv;
}

export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env };
}

/** What a command is built with: where to write, and where its action's exit code goes. */
export interface CommandContext {
  io: CliIo;
  /** Records an action's exit code; the worst code of the run wins. */
  finish(code: number): void;
}
