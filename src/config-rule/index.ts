/** `ecsguard/config-rule`: the AWS Config custom rule (Lambda handler) running ecsguard's checks. */
export {
  createConfigRuleHandler,
  handler,
  type ConfigRuleEvent,
  type ConfigRuleOptions,
  type ConfigRuleResult,
  type RuleParameters,
} from './handler.js';
export { MAX_ANNOTATION, verdictFor, type ComplianceType, type Evaluation } from './evaluations.js';
