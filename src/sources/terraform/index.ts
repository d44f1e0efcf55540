export { terraformHcl } from './hcl-source.js';
export { terraformPlan } from './plan-source.js';
