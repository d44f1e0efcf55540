import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Debian's `docker-registry` (Distribution 2.8); `.ci/run` installs it. */
export const REGISTRY_BINARY = '/usr/bin/docker-registry';

export const REGISTRY_MISSING =
  `${REGISTRY_BINARY} is not installed: these tests need a real OCI registry. ` +
  'Install it with `apt-get install -y docker-registry` (.ci/run does this when it is missing).';

export interface LocalRegistry {
  /** `127.0.0.1:<port>`, as image references name it. */
  host: string;
  /** `http://127.0.0.1:<port>` */
  url: string;
  stop(): Promise<void>;
}

/** Starts the registry on a free loopback port with a throw-away storage folder and config. */
export async function startLocalRegistry(): Promise<LocalRegistry> {
  if (!existsSync(REGISTRY_BINARY)) throw new Error(REGISTRY_MISSING);
  const folder = await mkdtemp(join(tmpdir(), 'ecsguard-registry-'));
  const config = join(folder, 'config.yml');
  await writeFile(
    config,
    [
      'version: 0.1',
      'log:',
      '  level: info',
      '  accesslog:',
      '    disabled: true',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${join(folder, 'data')}`,
      'http:',
      '  addr: 127.0.0.1:0',
      '',
    ].join('\n'),
  );
  const child = spawn(REGISTRY_BINARY, ['serve', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`docker-registry did not start within 15 s:\n${output}`));
    }, 15_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = /listening on 127\.0\.0\.1:(\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`docker-registry exited with ${code}:\n${output}`));
    });
  });
  child.stdout?.resume();
  child.stderr?.resume();
  return {
    host: `127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      await stopChild(child);
      await rm(folder, { recursive: true, force: true });
    },
  };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      resolve();
    }),
  );
  child.kill('SIGTERM');
  await exited;
}
