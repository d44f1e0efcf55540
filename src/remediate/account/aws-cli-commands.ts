import { shellQuote } from '../../io/shell-quote.js';
import type { PlannedService } from './plan-format.js';

export interface CommandInput {
  region: string;
  family: string;
  oldRevision: number;
  oldArn: string;
  services: readonly PlannedService[];
  /** The plan file the register input is extracted from. */
  planFile: string;
  /** Set for a keep-latest copy: the jq filter then also selects the batch (the same old ARN may be planned twice). */
  keepLatestBatch?: number;
}

/** A file name for the extracted register input that is unique per revision. */
export function registerInputFileName(family: string, revision: number): string {
  return `${family}-${revision}.register.json`;
}

/**
 * The plan's steps for one revision as aws CLI commands: extract the register
 * input from the plan, register it and keep the new ARN, point each service at
 * that exact ARN (never just the family: another revision may be registered in between).
 */
export function applyCommands(input: CommandInput): string[] {
  const keep = input.keepLatestBatch;
  const file =
    keep === undefined
      ? registerInputFileName(input.family, input.oldRevision)
      : `${input.family}-${input.oldRevision}.keep-latest.register.json`;
  const suffix = keep === undefined ? '' : '_LATEST';
  const variable = `NEW_${input.family.replace(/[^A-Za-z0-9]/g, '_').toUpperCase()}_${input.oldRevision}${suffix}`;
  const region = shellQuote(input.region);
  const filter =
    keep === undefined ? 'select(.oldArn == $arn)' : `select(.oldArn == $arn and .batch == ${keep} and .purpose == "keep-latest")`;
  return [
    `jq --arg arn ${shellQuote(input.oldArn)} '.revisions[] | ${filter} | .registerInput' ${shellQuote(input.planFile)} ` +
      `> ${shellQuote(file)}`,
    `${variable}=$(aws ecs register-task-definition --region ${region} --cli-input-json file://${shellQuote(file)} --query ` +
      `taskDefinition.taskDefinitionArn --output text)`,
    ...input.services.map(
      (s) =>
        `aws ecs update-service --region ${region} --cluster ${shellQuote(s.cluster)} --service ${shellQuote(s.service)} ` +
        `--task-definition "$${variable}"`,
    ),
  ];
}

/** Puts each service back on the revision the plan found it on. */
export function rollbackCommands(input: Pick<CommandInput, 'region' | 'oldArn' | 'services'>): string[] {
  return input.services.map(
    (s) =>
      `aws ecs update-service --region ${shellQuote(input.region)} --cluster ${shellQuote(s.cluster)} --service ${shellQuote(s.service)} ` +
      `--task-definition ${shellQuote(input.oldArn)}`,
  );
}
