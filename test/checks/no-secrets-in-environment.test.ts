import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { findCheck } from '../../src/checks/catalogue.js';
import { detectSecret } from '../../src/checks/support/secrets.js';
import { scan } from '../../src/engine/scan.js';
import { REPORTERS } from '../../src/report/index.js';
import { render, ruleTester } from '../support/rule-tester.js';
import { unresolved } from '../support/task-definitions.js';

const env = (...pairs: Array<[string, string]>) => ({
  family: 'api',
  containerDefinitions: [{ name: 'api', image: 'example/api:7', environment: pairs.map(([name, value]) => ({ name, value })) }],
});
// Built from parts so no scanner mistakes this test for a leak.
const KEY_ID = ['AKIA', 'IOSFODNN7', 'EXAMPLE'].join('');
const SECRET_KEY = ['wJalrXUtnFEMI', 'K7MDENG', 'bPxRfiCYEXAMPLEKEY'].join('/');
const JWT = ['eyJhbGciOiJIUzI1NiJ9', 'eyJzdWIiOiIxMjM0NTY3ODkwIn0', 'dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U'].join('.');
const GITHUB = `ghp_${'a1B2c3D4e5F6g7H8i9J0'.repeat(2).slice(0, 36)}`;

it('credential formats are found in any variable, and the hint reveals nothing', () => {
  assert.deepEqual(detectSecret('DEPLOY_USER', KEY_ID), { kind: 'an AWS access key id', hint: 'AKIA…, 20 characters, redacted' });
  assert.equal(detectSecret('TLS_KEY', '-----BEGIN RSA PRIVATE KEY-----\nMIIE…')?.kind, 'a private key block');
  assert.equal(detectSecret('SESSION', JWT)?.kind, 'a JSON Web Token');
  assert.equal(detectSecret('GH', GITHUB)?.kind, 'a GitHub token');
  assert.equal(detectSecret('HOOK', `xoxb-1234567890-abcdefghij`)?.kind, 'a Slack token');
  assert.equal(detectSecret('DATABASE_URL', 'postgres://app:s3cr3t-pw@db.internal:5432/app')?.kind, 'a password in a URL');
  assert.equal(detectSecret('DATABASE_URL', 'postgres://app:${DB_PASSWORD}@db.internal:5432/app'), undefined);
  assert.equal(detectSecret('DATABASE_URL', 'postgres://db.internal:5432/app'), undefined);
});

it('sensitive names with harmless values are not flagged (low false positives)', () => {
  for (const value of [
    '',
    '   ',
    'true',
    'FALSE',
    'none',
    '${DB_PASSWORD}',
    '$DB_PASSWORD',
    '{{ db_password }}',
    '<your password>',
    '__DB_PASSWORD__',
    '********',
    'arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf',
    '/prod/api/db-password',
    '0',
  ]) {
    assert.equal(detectSecret('DB_PASSWORD', value), undefined, JSON.stringify(value));
  }
  for (const name of ['DB_PASSWORD_FILE', 'TOKEN_TTL', 'PASSWORD_MIN_LENGTH', 'SECRET_NAME', 'LOG_LEVEL']) {
    assert.equal(detectSecret(name, 'hunter2-literal'), undefined, name);
  }
});

ruleTester('no-secrets-in-environment', {
  valid: [
    {
      name: 'secrets[].valueFrom is the right way',
      body: {
        family: 'api',
        containerDefinitions: [
          {
            name: 'api',
            image: 'x',
            secrets: [{ name: 'DB_PASSWORD', valueFrom: 'arn:aws:ssm:eu-west-1:123456789012:parameter/prod/db' }],
          },
        ],
      },
    },
    { name: 'plain settings', body: env(['LOG_LEVEL', 'info'], ['PORT', '8080'], ['FEATURE_X_ENABLED', 'true']) },
    {
      name: 'placeholders and references under sensitive names',
      body: env(['DB_PASSWORD', '${DB_PASSWORD}'], ['API_TOKEN', '{{resolve:secretsmanager:api}}'], ['ADMIN_PASSWORD', '']),
    },
  ],
  invalid: [
    {
      name: 'an AWS secret key by name: the value is never in the message',
      body: env(['AWS_ACCESS_KEY_ID', KEY_ID], ['AWS_SECRET_ACCESS_KEY', SECRET_KEY]),
      findings: [
        {
          status: 'FAIL',
          field: 'containerDefinitions[0].environment[0].value',
          container: 'api',
          message:
            'container "api": environment variable AWS_ACCESS_KEY_ID holds an AWS access key id (AKIA…, 20 characters, redacted); anyone ' +
            'who can describe the task definition reads it',
          severity: 'high',
        },
        {
          status: 'FAIL',
          field: 'containerDefinitions[0].environment[1].value',
          container: 'api',
          message:
            'container "api": environment variable AWS_SECRET_ACCESS_KEY holds a literal value (40 characters, redacted); anyone who can ' +
            'describe the task definition reads it',
        },
      ],
    },
    {
      name: 'a *_PASSWORD literal',
      body: env(['DB_PASSWORD', 'changeme']),
      findings: [
        {
          status: 'FAIL',
          field: 'containerDefinitions[0].environment[0].value',
          container: 'api',
          message:
            'container "api": environment variable DB_PASSWORD holds a literal value (8 characters, redacted); anyone who can describe ' +
            'the task definition reads it',
        },
      ],
    },
    {
      name: 'a JWT under a harmless name',
      body: env(['BOOTSTRAP', JWT]),
      findings: [
        {
          status: 'FAIL',
          field: 'containerDefinitions[0].environment[0].value',
          container: 'api',
          message:
            `container "api": environment variable BOOTSTRAP holds a JSON Web Token (${JWT.length} characters, redacted); anyone ` +
            `who can describe the task definition reads it`,
        },
      ],
    },
  ],
  model: [
    {
      name: 'an unresolved value under a sensitive name is UNKNOWN',
      body: env(['LOG_LEVEL', 'info']),
      nodes: [
        {
          container: 0,
          key: 'environment',
          node: {
            kind: 'array',
            items: [
              {
                kind: 'object',
                entries: [
                  { key: 'name', sourceKey: 'name', value: { kind: 'string', value: 'API_TOKEN' } },
                  { key: 'value', sourceKey: 'value', value: unresolved('var.api_token') },
                ],
              },
            ],
          },
        },
      ],
      findings: [
        {
          status: 'UNKNOWN',
          field: 'containerDefinitions[0].environment[0].value',
          container: 'api',
          message:
            'container "api": environment variable API_TOKEN is var.api_token, which cannot be resolved; if it is a literal, the secret ' +
            'is stored in the task definition in plain text',
        },
      ],
    },
  ],
});

it('no report format carries the value', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ecsguard-secret-'));
  const { name, text } = render(env(['AWS_SECRET_ACCESS_KEY', SECRET_KEY], ['GITHUB_TOKEN', GITHUB]), 'json');
  writeFileSync(join(dir, name), text);
  const check = findCheck('no-secrets-in-environment');
  assert.ok(check);
  const result = await scan({ paths: [dir], checks: [check], includePassed: true });
  assert.equal(result.findings.filter((f) => f.status === 'FAIL').length, 2);
  for (const [format, reporter] of Object.entries(REPORTERS)) {
    const out = reporter(
      { result, exitCode: 1, asff: { accountId: '123456789012', region: 'eu-west-1' } },
      { color: false, verbose: true },
    );
    assert.ok(!out.includes(SECRET_KEY) && !out.includes(GITHUB) && !out.includes(SECRET_KEY.slice(0, 8)), format);
  }
});
