import { createRequire } from 'node:module';

// The package's own manifest by its name (Node's package self-reference), so the path does not depend on where the
// compiled file sits: dist/version.js, or a chunk of the CLI bundle in dist/bundle/.
const manifest = createRequire(import.meta.url)('ecsguard/package.json') as { name: string; version: string };

export const TOOL_NAME = manifest.name;
export const TOOL_VERSION = manifest.version;
