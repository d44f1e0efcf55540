import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ObjectEntry, ValueNode } from '../../../src/model/value.js';
import { PROPERTY_NAMES, toEcsKeys } from '../../../src/sources/cloudformation/ecs-keys.js';

const text = (value: string): ValueNode => ({ kind: 'string', value });
const entry = (key: string): ObjectEntry => ({ key, sourceKey: key, value: text('x') });

/** The keys `toEcsKeys` gives an object of these keys, with the errors and warnings it reports. */
function renamedKeys(keys: string[]): { keys: string[]; problems: number } {
  const report = { file: 't.yaml', resourceId: 'T', errors: [], warnings: [] };
  const renamed = toEcsKeys({ kind: 'object', entries: keys.map(entry) }, report);
  assert.equal(renamed.kind, 'object');
  return {
    keys: renamed.kind === 'object' ? renamed.entries.map((e) => e.key) : [],
    problems: report.errors.length + report.warnings.length,
  };
}

describe('CloudFormation property names to ECS names', () => {
  it('renames every PascalCase property written exactly, irregular names included, with nothing reported', () => {
    const pascal = PROPERTY_NAMES.filter((name) => /^[A-Z]/.test(name));
    const { keys, problems } = renamedKeys(pascal);
    const irregular: Record<string, string> = {
      EFSVolumeConfiguration: 'efsVolumeConfiguration',
      FSxWindowsFileServerVolumeConfiguration: 'fsxWindowsFileServerVolumeConfiguration',
      IAM: 'iam',
      ProxyConfigurationProperties: 'properties',
    };
    assert.deepEqual(
      keys,
      pascal.map((name) => irregular[name] ?? name.charAt(0).toLowerCase() + name.slice(1)),
    );
    assert.equal(problems, 0);
  });

  it('reads a key of a property’s length and first letter, or a longer one, as that key, not as the property', () => {
    // `Nmae` has the length and first letter of `Name` (`Usre`, of `User`, is also near it: reported and kept apart);
    // the last but one is longer than any property.
    const { keys } = renamedKeys(['Nmae', 'Usre', 'DockerLabelsXY', 'FSxWindowsFileServerVolumeConfigurationsXY', 'Z', '']);
    // `Usre` also stands for `user`, unresolved, so the check of the user is UNKNOWN rather than "not set".
    assert.deepEqual(keys, ['nmae', '?Usre', 'dockerLabelsXY', 'fSxWindowsFileServerVolumeConfigurationsXY', 'z', '?', 'user']);
  });
});
