import type { PeerTool } from '../model/finding.js';

/** How reports name each tool; a module of its own so reporters that print peers do not load the rules. */
export const TOOL_NAMES: Record<PeerTool, string> = {
  'aws-config': 'AWS Config / Security Hub',
  prowler: 'Prowler',
  cis: 'CIS AWS Compute v1.1.0',
  checkov: 'Checkov',
  trivy: 'Trivy',
};
