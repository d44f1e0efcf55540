import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { PassThrough, Writable } from 'node:stream';
import { test } from 'node:test';
import { main } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/io.js';

function bufferedIo(stdinText = ''): { io: CliIo; out: () => string; err: () => string } {
  const chunks = { out: [] as string[], err: [] as string[] };
  const sink = (into: string[]) =>
    new Writable({
      write(chunk, _encoding, done) {
        into.push(String(chunk));
        done();
      },
    });
  const stdin = new PassThrough();
  stdin.end(stdinText);
  return {
    io: { stdout: sink(chunks.out), stderr: sink(chunks.err), stdin, env: { NO_COLOR: '1', CI: 'true' } },
    out: () => chunks.out.join(''),
    err: () => chunks.err.join(''),
  };
}

test('main writes only to the streams it is given and returns the exit code', async () => {
  const { io, out, err } = bufferedIo(readFileSync('examples/json/monitoring-agent-host.json', 'utf8'));
  const code = await main(['scan', '-', '--format', 'json'], io);
  assert.equal(code, 1);
  const report = JSON.parse(out()) as { findings: Array<{ checkId: string; status: string }> };
  assert.ok(report.findings.some((f) => f.checkId === 'no-privileged-containers' && f.status === 'FAIL'));
  assert.equal(err(), '');
});

test('--help goes to the given stdout with exit 0; a usage error to the given stderr with exit 2', async () => {
  const help = bufferedIo();
  assert.equal(await main(['scan', '--help'], help.io), 0);
  assert.match(help.out(), /Usage: ecsguard scan/);
  const bad = bufferedIo();
  assert.equal(await main(['scan', '--fail-on', 'nope'], bad.io), 2);
  assert.match(bad.err(), /--fail-on/);
  assert.equal(bad.out(), '');
});

test('two runs in one process do not share an exit code', async () => {
  const failing = bufferedIo(readFileSync('examples/json/monitoring-agent-host.json', 'utf8'));
  assert.equal(await main(['scan', '-'], failing.io), 1);
  const clean = bufferedIo();
  assert.equal(await main(['checks', '--format', 'json'], clean.io), 0);
});
