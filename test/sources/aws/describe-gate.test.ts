import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RevisionDescriber } from '../../../src/sources/aws/describe.js';
import { createLimiter } from '../../../src/sources/aws/limiter.js';
import { NO_PROGRESS, countingDescribes } from '../../support/counting-describes.js';

describe('account-regions waiting for the organization-wide start budget', () => {
  it('each waits with one describe at the gate, the rest of its revisions as ARNs, and every revision is described', async () => {
    let release: () => void = () => undefined;
    const blocked = new Promise<void>((resolve) => (release = resolve));
    const { api, running, most } = countingDescribes(() => blocked);
    // Two start slots for forty account-regions, each allowed ten describes in flight.
    const starts = createLimiter(2);
    let atGate = 0;
    let results = 0;
    const describers = Array.from(
      { length: 40 },
      (_, i) =>
        new RevisionDescriber(api, `region-${i}`, undefined, NO_PROGRESS, () => results++, 10, {
          ready: () => {
            atGate++;
            return Promise.resolve();
          },
          starts,
        }),
    );
    for (const [r, describer] of describers.entries())
      for (let i = 1; i <= 10; i++) describer.add(`arn:aws:ecs:us-east-1:1111111111${String(r).padStart(2, '0')}:task-definition/web:${i}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
    // The two started, and one more describe per account-region at the gate: 42, not 400.
    assert.equal(running(), 2);
    assert.equal(atGate, 42);
    release();
    await Promise.all(describers.map((d) => d.settled()));
    assert.equal(results, 400);
    assert.equal(atGate, 400);
    assert.equal(most(), 2);
  });
});
