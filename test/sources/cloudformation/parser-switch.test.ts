import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Parser as NodeParser } from 'yaml';
import { cloudFormationTemplate } from '../../../bench/support/mixed-corpus.js';
import { seededRandom } from '../../../bench/support/corpus.js';
import { cloudFormationSource } from '../../../src/sources/cloudformation/cloudformation-source.js';
import { yamlParserClass } from '../../../src/sources/cloudformation/yaml-parser.js';

// Its own file: the source counts the templates of the process, and this test needs the count to start at zero.
// run-tests: own process
describe('CloudFormation source: the switch to the faster parser build mid-scan', () => {
  it('keeps the Node build for a short scan, switches after 16 templates, and reads every copy the same', async () => {
    const text = cloudFormationTemplate(seededRandom(3), 1);
    const first = await cloudFormationSource.load([{ path: 'a.yaml', text }], {});
    assert.equal(yamlParserClass(), NodeParser, 'one template must not load the other build');
    const files = Array.from({ length: 20 }, (_, i) => ({ path: 'a.yaml', text: i === 19 ? text : `${text}\n# copy ${i}\n` }));
    const many = await cloudFormationSource.load(files, {});
    assert.notEqual(yamlParserClass(), NodeParser, 'twenty templates load the faster build');
    assert.equal(first.definitions.length, 2);
    // The last file was parsed by the faster build, the first by the Node build: same definitions, ranges, errors.
    assert.deepEqual(many.definitions.slice(-2), first.definitions);
    assert.deepEqual(many.errors, []);
    assert.deepEqual(first.errors, []);
  });
});
