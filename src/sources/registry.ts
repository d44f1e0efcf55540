import { cloudFormationSource } from './cloudformation/cloudformation-source.js';
import { jsonTaskDefinitionSource } from './json/json-source.js';
import type { FileSource } from './source.js';
import { terraformHcl, terraformPlan } from './terraform/index.js';

/**
 * File sources in detection order: the first whose `detect` accepts a file owns
 * it. A new source is one folder under src/sources/ plus one line here.
 */
export const FILE_SOURCES: readonly FileSource[] = [terraformPlan, cloudFormationSource, jsonTaskDefinitionSource, terraformHcl];
