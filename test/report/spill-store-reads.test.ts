import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { emitChunks } from '../../src/cli/output.js';
import { RELEASE_BYTES, SpillStore } from '../../src/report/spill-store.js';

const MB = 1024 * 1024;

/** A store in its file holding about 3.3 MB of numbered pieces, each different; and the pieces' ranges. */
async function filledStore(): Promise<{ store: SpillStore; pieces: string[]; ranges: Array<[number, number]> }> {
  const store = new SpillStore(0);
  const pieces: string[] = [];
  const ranges: Array<[number, number]> = [];
  for (let i = 0; i < 800; i++) {
    const piece = `,{"n":${i},"text":"${String.fromCharCode(97 + (i % 26)).repeat(4000 + (i % 13))}é"}`;
    const start = store.size;
    pieces.push(piece);
    ranges.push([start, store.write(piece)]);
  }
  await store.settled();
  assert.ok(store.folder, 'the store moved to its file');
  return { store, pieces, ranges };
}

/** Every other piece, backwards, then the rest: short ranges out of file order, as a sorted report reads them. */
const shuffled = <T>(items: T[]): T[] => [...items.filter((_, i) => i % 2).reverse(), ...items.filter((_, i) => i % 2 === 0)];

describe('the spill store: bytes read back from its file', () => {
  it('fills a buffer whose bytes were released again, never one still held; short ranges share a buffer', async () => {
    const { store, pieces, ranges } = await filledStore();
    const order = shuffled([...pieces.keys()]);
    const expected = order.map((i) => pieces[i]).join('');
    const wanted = order.map((i) => ranges[i] as [number, number]);

    // Released as each is consumed: the same memory comes back, and every byte is still right.
    const released: Buffer[] = [];
    let text = '';
    for (const bytes of store.readBytes(wanted)) {
      assert.ok(bytes.length <= MB);
      text += bytes.toString('latin1');
      released.push(bytes);
      (bytes as Buffer & { [RELEASE_BYTES]: () => void })[RELEASE_BYTES]();
    }
    assert.equal(Buffer.from(text, 'latin1').toString('utf8'), expected);
    assert.ok(released.length >= 3 && released.length <= 4, `about 3.3 MB in buffers of 1 MB: ${released.length}`);
    assert.equal(new Set(released.map((b) => b.buffer)).size, 1, 'one buffer, filled again each time');

    // Released twice: still only one reader at a time gets its memory.
    const [first] = store.readBytes([[0, 10]]);
    const release = (first as Buffer & { [RELEASE_BYTES]: () => void })[RELEASE_BYTES];
    release();
    release();
    const [second, third] = store.readBytes([[0, 2 * MB]]);
    assert.notEqual(second?.buffer, third?.buffer);

    // Kept (never released): each read has memory of its own, and what was read first is intact after the rest.
    const kept = [...store.readBytes(wanted)];
    assert.equal(new Set(kept.map((b) => b.buffer)).size, kept.length);
    assert.equal(Buffer.concat(kept).toString('utf8'), expected);
    store.dispose();
  });

  it('a report file written from them has every byte; standard output keeps its own buffers', async () => {
    const { store, pieces } = await filledStore();
    const dir = mkdtempSync(path.join(tmpdir(), 'ecsguard-spill-reads-'));
    try {
      const file = path.join(dir, 'report.json');
      // Read as they are written, as a report's pieces are.
      function* chunks(): Generator<string | Uint8Array> {
        yield '[';
        yield* store.readBytes([[1, store.size]]);
        yield ']';
      }
      await emitChunks(chunks(), file, process.stdout);
      const expected = `[${pieces.join('').slice(1)}]\n`;
      assert.equal(readFileSync(file, 'utf8'), expected);
      // A caller's stream that keeps what it is given: the bytes it holds stay as they were read.
      const held: Buffer[] = [];
      const stdout = new Writable({
        write(chunk: Buffer, _encoding, done) {
          held.push(chunk);
          setImmediate(done);
        },
      });
      await emitChunks(chunks(), undefined, stdout);

      assert.equal(Buffer.concat(held).toString('utf8'), expected);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      store.dispose();
    }
  });
});
