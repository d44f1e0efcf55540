/**
 * CIS AWS Compute Services Benchmark v1.1.0, section 3 (Amazon ECS). The
 * benchmark is behind a CIS login; the audit wording followed here is the one
 * public implementations restate (docs/peers.md). CIS audits the latest ACTIVE
 * revision of each family.
 */
import type { ContainerDefinition } from '../model/task-definition.js';
import { anyContainer, apiBool, at, decide, plain, quote } from './read.js';
import { FAIL, NOT_EVALUATED, PASS, type PeerOutcome, type PeerRule } from './types.js';

const SOURCE = 'https://www.cisecurity.org/benchmark/amazon_web_services';

/** 3.1 audit: "ensure that privileged is set to false or is absent, and ensure that user is not set to root or is absent". */
function hostModeContainer(c: ContainerDefinition): PeerOutcome {
  const privileged = apiBool(at(c.node, 'privileged')) === true;
  const user = at(c.node, 'user');
  if (privileged) return FAIL('privileged is true in host network mode');
  if (user === 'root') return FAIL('user is "root" in host network mode');
  if (user === undefined) return PASS('the audit accepts an absent user ("user is not set to root or is absent")');
  if (/^(0+|root)(:.*)?$/i.test(String(user).trim()))
    return NOT_EVALUATED(`the audit text names only "root"; it does not say how ${quote(user)} is read`);
  return PASS(`user ${quote(user)} is not "root" and privileged is not true`);
}

export const cis31: PeerRule = {
  tool: 'cis',
  id: '3.1',
  title: "Ensure Amazon ECS task definitions using 'host' network mode do not allow privileged or root user access to the host",
  source: SOURCE,
  checks: ['host-network-no-privilege', 'host-network-nonroot-user'],
  task: (td) =>
    decide(() =>
      plain(td.networkMode) === 'host'
        ? anyContainer(td, hostModeContainer, 'no container is privileged or runs as "root"')
        : PASS(`networkMode is ${quote(plain(td.networkMode))}: the recommendation concerns host mode only`),
    ),
  container: (td, c) =>
    decide(() =>
      plain(td.networkMode) === 'host'
        ? hostModeContainer(c)
        : PASS(`networkMode is ${quote(plain(td.networkMode))}: the recommendation concerns host mode only`),
    ),
};

export const cis34: PeerRule = {
  tool: 'cis',
  id: '3.4',
  title: "Ensure Amazon ECS task definitions do not have 'privileged' set to 'true'",
  source: SOURCE,
  checks: ['no-privileged-containers'],
  task: (td) => decide(() => anyContainer(td, (c) => cis34.container!(td, c), 'no container sets privileged to true')),
  container: (_td, c) =>
    decide(() =>
      apiBool(at(c.node, 'privileged')) === true ? FAIL('privileged is true') : PASS(`privileged is ${quote(at(c.node, 'privileged'))}`),
    ),
};

export const cis36: PeerRule = {
  tool: 'cis',
  id: '3.6',
  title: 'Ensure secrets are not passed as container environment variables',
  source: SOURCE,
  checks: ['no-secrets-in-environment'],
  task: () =>
    NOT_EVALUATED(
      'public restatements of the recommendation give no mechanical rule to reproduce (the benchmark text is behind a CIS login)',
    ),
};

export const cis37: PeerRule = {
  tool: 'cis',
  id: '3.7',
  title: 'Ensure Amazon ECS task definitions have logging configured',
  source: SOURCE,
  checks: ['logging-configured'],
  task: (td) => decide(() => anyContainer(td, (c) => cis37.container!(td, c), 'every container has a logConfiguration with a logDriver')),
  container: (_td, c) =>
    decide(() => {
      const log = at(c.node, 'logConfiguration');
      const driver = log && typeof log === 'object' ? (log as Record<string, unknown>)['logDriver'] : undefined;
      return driver ? PASS(`logDriver is ${quote(driver)}`) : FAIL('logConfiguration.logDriver is not set');
    }),
};

export const CIS_RULES: readonly PeerRule[] = [cis31, cis34, cis36, cis37];
