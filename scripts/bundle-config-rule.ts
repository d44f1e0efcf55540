/**
 * Bundles the AWS Config rule handler (src/config-rule) and everything it
 * imports, the AWS SDK included, into one ESM file for a Lambda function
 * (runtime nodejs20.x or later, handler `index.handler`).
 *   npm run bundle:config-rule   → dist/lambda/config-rule/index.mjs
 */
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository: this file's parent folder, or above it when this runs compiled (npm test's node_modules/.cache). */
let root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
while (!existsSync(path.join(root, 'src/config-rule/index.ts')) && path.dirname(root) !== root) root = path.dirname(root);

/** The ESM bundle needs `require` for the SDK's CommonJS dependencies. */
const REQUIRE_BANNER =
  'import{createRequire as __ecsguardCreateRequire}from"node:module";const require=__ecsguardCreateRequire(import.meta.url);';

export async function bundleConfigRule(outfile = path.join(root, 'dist/lambda/config-rule/index.mjs')): Promise<string> {
  await build({
    entryPoints: [path.join(root, 'src/config-rule/index.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    // ESM builds first: jsonc-parser's UMD main requires its own files at run time, which a bundle cannot.
    mainFields: ['module', 'main'],
    outfile,
    banner: { js: REQUIRE_BANNER },
    logLevel: 'warning',
  });
  return outfile;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(await bundleConfigRule());
}
