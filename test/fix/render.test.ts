import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderScalar } from '../../src/fix/edit/render.js';

describe('renderScalar in HCL', () => {
  it('keeps ${ and %{ literal: Terraform would read them as template sequences', () => {
    assert.equal(renderScalar('${USER}:%{x}', { syntax: 'hcl' }), '"$${USER}:%%{x}"');
  });
});

describe('fix: diff headers of file names a terminal would act on', () => {
  it('are quoted as git quotes them: C escapes and octal bytes, so no escape sequence or line break gets through', async () => {
    const { unifiedDiff } = await import('../../src/fix/diff.js');
    const patch = unifiedDiff('a\u001b[2Jb\nFORGED "x".json', '{"a": 1}\n', '{"a": 2}\n');
    assert.equal(patch.split('\n')[0], '--- "a/a\\033[2Jb\\nFORGED \\"x\\".json"');
    assert.equal(patch.split('\n')[1], '+++ "b/a\\033[2Jb\\nFORGED \\"x\\".json"');
    assert.doesNotMatch(patch, /\u001b/);
    assert.equal(unifiedDiff('plain name.json', 'a\n', 'b\n').split('\n')[0], '--- a/plain name.json');
  });
});
