import { existsSync } from 'node:fs';
import path from 'node:path';

// Apart from config-file.ts so a run without a config file never loads its schema (zod) or the YAML parser.

/** Names looked for in the working folder and each folder above it, in this order. */
export const CONFIG_FILE_NAMES = ['ecsguard.config.yaml', '.ecsguard.yaml'] as const;

/** The nearest config file at or above `from`, if any. */
export function findConfigFile(from: string): string | undefined {
  let dir = path.resolve(from);
  for (;;) {
    for (const name of CONFIG_FILE_NAMES) {
      const candidate = path.join(dir, name);
      if (existsSync(candidate)) return candidate;
    }
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
