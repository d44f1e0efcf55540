/** The parts of a task-definition ARN: `arn:aws:ecs:<region>:<account>:task-definition/<family>:<revision>`. */
export interface TaskDefinitionArn {
  arn: string;
  region: string;
  accountId: string;
  family: string;
  revision: number;
}

const TASK_DEFINITION_ARN = /^arn:aws[\w-]*:ecs:([^:]+):(\d+):task-definition\/([A-Za-z0-9_-]+):(\d+)$/;

export function parseTaskDefinitionArn(arn: string): TaskDefinitionArn | undefined {
  const match = TASK_DEFINITION_ARN.exec(arn);
  if (!match) return undefined;
  return { arn, region: match[1] ?? '', accountId: match[2] ?? '', family: match[3] ?? '', revision: Number(match[4]) };
}

/** The name after the last slash of a cluster or service ARN (`…:cluster/prod` → `prod`). */
export function lastSegment(arnOrName: string): string {
  return arnOrName.slice(arnOrName.lastIndexOf('/') + 1);
}
