/**
 * Trivy's ECS checks (aquasecurity/trivy-checks, checks/cloud/aws/ecs) over
 * the state Trivy's adapters build from Terraform and CloudFormation
 * (aquasecurity/trivy, pkg/iac/adapters/*\/aws/ecs). The adapters differ: from
 * Terraform a volume without efs_volume_configuration counts as encrypted and
 * transit_encryption must be exactly "ENABLED"; from CloudFormation every
 * volume, host volumes included, counts as unencrypted unless
 * EFSVolumeConfiguration.TransitEncryption is "enabled" in any case.
 */
import type { SourceKind } from '../model/task-definition.js';
import { detectSecret } from '../checks/support/secrets.js';
import { anyContainer, at, decide, quote } from './read.js';
import { FAIL, PASS, type PeerRule } from './types.js';

const CHECKS = 'https://github.com/aquasecurity/trivy-checks/blob/main/checks/cloud/aws/ecs';

const iacOnly = (source: SourceKind): string | undefined =>
  source === 'terraform' || source === 'terraform-plan' || source === 'cloudformation'
    ? undefined
    : 'Trivy reads Terraform and CloudFormation, not task-definition files (JSON, YAML) or live revisions';

export const avdAws0035: PeerRule = {
  tool: 'trivy',
  id: 'AVD-AWS-0035',
  title: 'ECS Task Definitions with EFS volumes should use in-transit encryption',
  source: `${CHECKS}/enable_in_transit_encryption.rego`,
  checks: ['efs-transit-encryption'],
  reads: iacOnly,
  task: (td) =>
    decide(() => {
      const volumes = at(td.body, 'volumes');
      const list = (Array.isArray(volumes) ? volumes : []).filter((v): v is Record<string, unknown> => !!v && typeof v === 'object');
      const cloudformation = td.resource.source === 'cloudformation';
      for (const v of list) {
        const efs = v['efsVolumeConfiguration'];
        const transit = efs && typeof efs === 'object' ? (efs as Record<string, unknown>)['transitEncryption'] : undefined;
        if (cloudformation) {
          if (!(typeof transit === 'string' && transit.toLowerCase() === 'enabled')) {
            return FAIL(
              efs
                ? `volume ${quote(v['name'])} has TransitEncryption ${quote(transit)}`
                : `volume ${quote(v['name'])} has no EFSVolumeConfiguration, which Trivy's CloudFormation adapter reads as unencrypted`,
            );
          }
        } else if (efs && transit !== 'ENABLED') {
          return FAIL(`EFS volume ${quote(v['name'])} has transit_encryption ${quote(transit)}`);
        }
      }
      return PASS(list.length ? 'every volume counts as encrypted in transit' : 'no volumes');
    }),
};

/** `is_sensitive_attr`: these tokens anywhere in the lower-cased name, unless it starts with a whitelisted token. */
const SENSITIVE_TOKENS = ['password', 'secret', 'private_key', 'aws_access_key_id', 'aws_secret_access_key', 'token', 'api_key'];
const WHITELIST = ['token_type', 'version'];

export function trivySensitiveName(name: string): boolean {
  const lower = name.toLowerCase();
  if (SENSITIVE_TOKENS.includes(lower)) return true;
  return SENSITIVE_TOKENS.some((t) => lower.includes(t)) && !WHITELIST.some((w) => lower.startsWith(w));
}

/**
 * Two rules: a sensitive variable name (whatever the value, empty or a
 * placeholder included), or squealer finding a secret in the value. The name
 * rule is reproduced exactly; squealer's value rules by the common key formats
 * (AWS access key ids, private key blocks, JWTs, GitHub and Slack tokens).
 */
export const avdAws0036: PeerRule = {
  tool: 'trivy',
  id: 'AVD-AWS-0036',
  title: 'Task definition defines sensitive environment variable(s)',
  source: `${CHECKS}/no_plaintext_secrets.rego`,
  checks: ['no-secrets-in-environment'],
  reads: iacOnly,
  task: (td) =>
    decide(() =>
      anyContainer(td, (c) => avdAws0036.container!(td, c), 'no environment variable has a sensitive name or a key-format value'),
    ),
  container: (_td, c) =>
    decide(() => {
      const env = at(c.node, 'environment');
      const vars = (Array.isArray(env) ? env : []).filter((e): e is Record<string, unknown> => !!e && typeof e === 'object');
      const named = vars.find((v) => typeof v['name'] === 'string' && trivySensitiveName(v['name']));
      if (named)
        return FAIL(`the variable name ${quote(named['name'])} contains a sensitive token; Trivy flags the name whatever the value`);
      const valued = vars.find((v) => typeof v['value'] === 'string' && detectSecret('', v['value']));
      if (valued) return FAIL(`squealer finds ${detectSecret('', String(valued['value']))?.kind} in ${quote(valued['name'])}`);
      return PASS(
        vars.length
          ? 'no variable name has a sensitive token and no value has a key format squealer matches'
          : 'the container has no environment variables',
      );
    }),
};

export const TRIVY_RULES: readonly PeerRule[] = [avdAws0035, avdAws0036];
