import { z } from 'zod';
import { ALL_CHECKS } from '../checks/catalogue.js';

const checkId = z.enum(ALL_CHECKS.map((c) => c.meta.id) as [string, ...string[]], {
  error: (issue) => (issue.input === undefined ? 'required' : `unknown check id ${JSON.stringify(issue.input)} (see "ecsguard checks")`),
});

/** One id or pattern, or a list of them. Patterns use glob syntax (`*`, `**`, `?`, `{a,b}`). */
const patterns = (what: string) => z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).describe(what);

/** What an exception can cover; every selector given must match (and at least one is required). */
export const SELECTORS = {
  accounts: 'AWS account ids (12 digits) of live findings',
  regions: 'AWS regions of live findings, e.g. us-east-1',
  arns: 'task-definition ARNs; an ARN without its :revision covers every revision',
  families: 'task-definition families',
  containers: 'container names',
  paths: 'file path globs, relative to the folder of the exceptions file (e.g. infra/legacy/**)',
  resources: 'CloudFormation logical ids, Terraform addresses (aws_ecs_task_definition.x), or JSON families',
} as const;
export type Selector = keyof typeof SELECTORS;
export const SELECTOR_NAMES = Object.keys(SELECTORS) as Selector[];

export const ExceptionEntrySchema = z
  .strictObject({
    id: z.string().min(1).optional().describe('A name for the entry, shown in reports (default: its position, #1, #2…)'),
    checks: z.union([checkId, z.array(checkId).min(1)]).describe('Check ids this exception mutes (see "ecsguard checks")'),
    accounts: patterns(SELECTORS.accounts).optional(),
    regions: patterns(SELECTORS.regions).optional(),
    arns: patterns(SELECTORS.arns).optional(),
    families: patterns(SELECTORS.families).optional(),
    containers: patterns(SELECTORS.containers).optional(),
    paths: patterns(SELECTORS.paths).optional(),
    resources: patterns(SELECTORS.resources).optional(),
    reason: z.string().trim().min(1, 'a reason is required').describe('Why the risk is accepted'),
    owner: z.string().trim().min(1, 'an owner is required').describe('Who answers for it: a person, team or e-mail'),
    expires: z.iso.date('expected a date as YYYY-MM-DD').describe('From this day (UTC) on the exception no longer mutes'),
    ticket: z.string().min(1).optional().describe('Tracking ticket or URL'),
  })
  .refine((entry) => SELECTOR_NAMES.some((s) => entry[s] !== undefined), {
    message: `name what the exception covers: one of ${SELECTOR_NAMES.join(', ')}`,
  });

export const ExceptionsFileSchema = z.strictObject({
  version: z.literal(1).describe('Format version of this file'),
  exceptions: z.array(ExceptionEntrySchema).describe('Accepted risks, each with an owner and an expiry date'),
});

export type ExceptionEntryInput = z.infer<typeof ExceptionEntrySchema>;

/** The JSON Schema published as schema/ecsguard-exceptions.schema.json (editors complete and check the file with it). */
export function exceptionsJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(ExceptionsFileSchema, { target: 'draft-2020-12' }) as unknown as {
    properties: { exceptions: { items: Record<string, unknown> } };
  };
  // zod's refine is not representable; say the same in JSON Schema terms.
  schema.properties.exceptions.items.anyOf = SELECTOR_NAMES.map((name) => ({ required: [name] }));
  return {
    ...schema,
    $id: 'https://github.com/ecsguard/ecsguard/schema/ecsguard-exceptions.schema.json',
    title: 'ecsguard exceptions file',
  };
}
