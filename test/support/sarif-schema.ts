import { readFileSync } from 'node:fs';
import path from 'node:path';
import ajvDraft04 from 'ajv-draft-04';
import ajvFormats from 'ajv-formats';
import { REPO_ROOT } from './cli.js';

/** The official SARIF 2.1.0 schema, vendored (see test/fixtures/sarif/README.md). */
const schema = JSON.parse(readFileSync(path.join(REPO_ROOT, 'test/fixtures/sarif/sarif-schema-2.1.0.json'), 'utf8'));

// Both are CommonJS modules that also export themselves as `default`, which is what their types describe.
const ajv = new ajvDraft04.default({ allErrors: true, strict: false });
ajvFormats.default(ajv);
const validate = ajv.compile(schema);

/** Throws with every schema violation listed when `log` is not valid SARIF 2.1.0. */
export function assertValidSarif(log: unknown): void {
  if (validate(log)) return;
  const problems = (validate.errors ?? []).map(
    (e: { instancePath: string; message?: string; params: unknown }) =>
      `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`,
  );
  throw new Error(`not valid SARIF 2.1.0:\n${problems.join('\n')}`);
}
