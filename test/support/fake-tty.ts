import { PassThrough } from 'node:stream';

export type FakeTty = PassThrough & { isTTY: boolean; columns: number; cursorTo(): boolean; clearLine(): boolean; moveCursor(): boolean };

/** A stream that says it is a 120-column terminal, for what draws only on one (progress bars). */
export function fakeTty(): FakeTty {
  return Object.assign(new PassThrough(), {
    isTTY: true,
    columns: 120,
    cursorTo: () => true,
    clearLine: () => true,
    moveCursor: () => true,
  });
}
