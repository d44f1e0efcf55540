import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderScalar } from '../../src/fix/edit/render.js';

describe('renderScalar in HCL', () => {
  it('keeps ${ and %{ literal: Terraform would read them as template sequences', () => {
    assert.equal(renderScalar('${USER}:%{x}', { syntax: 'hcl' }), '"$${USER}:%%{x}"');
  });
});
