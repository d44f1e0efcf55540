import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CHECKS } from '../../../src/checks/catalogue.js';
import { scanText } from '../../../src/library/scan.js';

// YAML reads 0x0 and 0o0 as the integer 0; CloudFormation passes a number to a string property as its decimal text.
const template = `Resources:
  TD:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ContainerDefinitions:
        - Name: hex
          Image: x
          User: 0x0
        - Name: octal
          Image: x
          User: 0o0
        - Name: thousand
          Image: x
          User: 0x3E8
`;

describe('YAML integers written in hex or octal', () => {
  it('are judged by their value: 0x0 and 0o0 are uid 0, 0x3E8 is uid 1000', async () => {
    const result = await scanText(template, { checks: CHECKS.filter((c) => c.meta.id === 'no-root-user') });
    assert.deepEqual(
      result.findings.map((f) => [f.status, f.container, f.message, f.location?.start.line, f.location?.start.column]),
      [
        ['FAIL', 'hex', 'container "hex": user 0x0 (0) is uid 0 (root)', 8, 17],
        ['FAIL', 'octal', 'container "octal": user 0o0 (0) is uid 0 (root)', 11, 17],
      ],
    );
  });
});
