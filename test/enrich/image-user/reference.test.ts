import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ecrRegistry, parseImageReference, registryBaseUrl, registryHost } from '../../../src/enrich/image-user/reference.js';
import { normalizeAuthKey } from '../../../src/enrich/image-user/docker-config.js';

const DIGEST = `sha256:${'a1'.repeat(32)}`;

describe('image references as ECS and Docker read them', () => {
  const cases: Array<[string, { registry: string; repository: string; tag?: string; digest?: string } | RegExp]> = [
    ['nginx', { registry: 'docker.io', repository: 'library/nginx', tag: 'latest' }],
    ['nginx:1.27-alpine', { registry: 'docker.io', repository: 'library/nginx', tag: '1.27-alpine' }],
    ['bitnami/redis:7.2', { registry: 'docker.io', repository: 'bitnami/redis', tag: '7.2' }],
    ['docker.io/library/nginx', { registry: 'docker.io', repository: 'library/nginx', tag: 'latest' }],
    ['index.docker.io/grafana/grafana:11.0.0', { registry: 'docker.io', repository: 'grafana/grafana', tag: '11.0.0' }],
    ['gcr.io/distroless/static-debian12:nonroot', { registry: 'gcr.io', repository: 'distroless/static-debian12', tag: 'nonroot' }],
    ['public.ecr.aws/nginx/nginx:1.27', { registry: 'public.ecr.aws', repository: 'nginx/nginx', tag: '1.27' }],
    ['localhost:5000/app', { registry: 'localhost:5000', repository: 'app', tag: 'latest' }],
    ['localhost/app:1', { registry: 'localhost', repository: 'app', tag: '1' }],
    [
      `123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/api@${DIGEST}`,
      { registry: '123456789012.dkr.ecr.eu-west-1.amazonaws.com', repository: 'team/api', digest: DIGEST },
    ],
    [`ghcr.io/org/app:v2@${DIGEST}`, { registry: 'ghcr.io', repository: 'org/app', tag: 'v2', digest: DIGEST }],
    ['Nginx:latest', /is not a valid image reference/],
    ['nginx@sha256:abc', /"sha256:abc" is not a sha256 digest/],
    ['nginx:bad tag', /"bad tag" is not a valid tag/],
    [' nginx', /has surrounding spaces/],
    ['', /the image reference is empty/],
  ];
  for (const [text, expected] of cases) {
    it(JSON.stringify(text), () => {
      const parsed = parseImageReference(text);
      if (expected instanceof RegExp) {
        assert.ok('error' in parsed, `expected an error for ${text}`);
        assert.match(parsed.error, expected);
      } else {
        assert.deepEqual(parsed, { original: text, ...expected });
      }
    });
  }

  it('sends Docker Hub requests to registry-1.docker.io and loopback registries over plain HTTP only', () => {
    assert.equal(registryHost({ registry: 'docker.io' }), 'registry-1.docker.io');
    assert.equal(registryBaseUrl('registry-1.docker.io'), 'https://registry-1.docker.io');
    assert.equal(registryBaseUrl('127.0.0.1:5000'), 'http://127.0.0.1:5000');
    assert.equal(registryBaseUrl('localhost:5000'), 'http://localhost:5000');
    assert.equal(registryBaseUrl('registry.internal:5000'), 'https://registry.internal:5000');
    assert.equal(registryBaseUrl('127.0.0.1.nip.io'), 'https://127.0.0.1.nip.io');
  });

  it('recognizes ECR registries (commercial, FIPS, China) and nothing else', () => {
    assert.deepEqual(ecrRegistry('123456789012.dkr.ecr.us-east-1.amazonaws.com'), { accountId: '123456789012', region: 'us-east-1' });
    assert.deepEqual(ecrRegistry('123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com'), {
      accountId: '123456789012',
      region: 'us-gov-west-1',
    });
    assert.deepEqual(ecrRegistry('123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn'), { accountId: '123456789012', region: 'cn-north-1' });
    assert.equal(ecrRegistry('public.ecr.aws'), undefined);
    assert.equal(ecrRegistry('123456789012.dkr.ecr.us-east-1.amazonaws.com.evil.example'), undefined);
  });

  it('matches Docker config.json auths keys to registries', () => {
    assert.equal(normalizeAuthKey('https://index.docker.io/v1/'), 'docker.io');
    assert.equal(normalizeAuthKey('http://127.0.0.1:5000'), '127.0.0.1:5000');
    assert.equal(normalizeAuthKey('GHCR.io'), 'ghcr.io');
    assert.equal(normalizeAuthKey('registry.example.com/v2/'), 'registry.example.com');
  });
});
