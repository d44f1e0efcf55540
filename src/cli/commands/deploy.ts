import { Command } from 'commander';
import { emit } from '../output.js';
import type { CommandContext } from '../io.js';
import { checksFrom, checksOption, frameworkOption, skipChecksOption } from '../options.js';

interface CheckSelection {
  checks?: string[];
  skipChecks?: string[];
  framework?: string[];
}

/** `ecsguard deploy scan-role | config-rule`: print CloudFormation templates; ecsguard never deploys them itself. */
export function deployCommand(context: CommandContext): Command {
  const deploy = new Command('deploy').description(
    'Print CloudFormation templates for running ecsguard across an AWS Organization (see docs/organization.md).',
  );
  deploy
    .command('scan-role')
    .description(
      'Print the scan role template for "scan --aws --org": read-only (the policy in docs/iam-policy.json), trusted by the scanning ' +
        'account, optional external id. Deploy it to every account with a service-managed StackSet.',
    )
    .option('-o, --output <file>', 'write the template to a file')
    .addHelpText(
      'after',
      `
Example:
  $ ecsguard deploy scan-role -o ecsguard-scan-role.yaml
  $ aws cloudformation create-stack-set --stack-set-name ecsguard-scan-role --template-body file://ecsguard-scan-role.yaml \\
      --permission-model SERVICE_MANAGED --auto-deployment Enabled=true,RetainStacksOnAccountRemoval=false \\
      --capabilities CAPABILITY_NAMED_IAM --parameters ParameterKey=ScanningAccountId,ParameterValue=111111111111
  (StackSets do not deploy to the management account: create the same stack there if it should be scanned.)`,
    )
    .action(async (options: { output?: string }) => {
      const { scanRoleTemplate, toYaml } = await import('../../deploy/templates.js');
      await emit(toYaml(scanRoleTemplate()), options.output, context.io.stdout);
    });
  deploy
    .command('config-rule')
    .description(
      'Print the AWS Config custom rule template: the bundled handler as a Lambda function (npm run bundle:config-rule, zipped to S3), ' +
        'its execution role, and one AWS::Config::ConfigRule per check.',
    )
    .option(
      '--organization',
      'AWS::Config::OrganizationConfigRule instead (deploy in the management account or a delegated administrator; the function must be ' +
        'invocable from member accounts)',
    )
    .option('--single-rule', 'one rule evaluating every selected check instead of one rule per check')
    .addOption(checksOption())
    .addOption(skipChecksOption())
    .addOption(frameworkOption())
    .option('-o, --output <file>', 'write the template to a file')
    .addHelpText(
      'after',
      '\nThe rules run the checks a plain scan runs unless --checks (ids or groups: host-breach, hardening, all) or --framework select ' +
        'others.',
    )
    .action(async (options: { organization?: boolean; singleRule?: boolean; output?: string } & CheckSelection) => {
      const [{ configRuleTemplate, toYaml }, checks] = await Promise.all([import('../../deploy/templates.js'), checksFrom(options)]);
      await emit(
        toYaml(configRuleTemplate({ organization: options.organization ?? false, singleRule: options.singleRule ?? false, checks })),
        options.output,
        context.io.stdout,
      );
    });
  return deploy;
}

export function conformancePackCommand(context: CommandContext): Command {
  return new Command('conformance-pack')
    .description(
      "Print a conformance pack: AWS's managed ECS rules (ECS_CONTAINERS_NONPRIVILEGED, ECS_TASK_DEFINITION_NONROOT_USER, " +
        "ECS_TASK_DEFINITION_LINUX_USER_NON_ROOT, ECS_TASK_DEFINITION_USER_FOR_HOST_MODE_CHECK) next to ecsguard's custom rules (one " +
        'per check; needs the function from "ecsguard deploy config-rule" in each account and region).',
    )
    .addOption(checksOption())
    .addOption(skipChecksOption())
    .addOption(frameworkOption())
    .option('-o, --output <file>', 'write the template to a file')
    .addHelpText(
      'after',
      `
The pack holds a custom rule per selected check (default: the checks a plain scan runs; --checks hardening|all or
--framework select others) and AWS's managed rule for each of those checks that has one.

Example:
  $ ecsguard conformance-pack -o ecsguard-pack.yaml
  $ ecsguard conformance-pack --checks all -o ecsguard-pack.yaml
  $ aws configservice put-organization-conformance-pack --organization-conformance-pack-name ecsguard \\
      --template-body file://ecsguard-pack.yaml`,
    )
    .action(async (options: { output?: string } & CheckSelection) => {
      const [{ conformancePackTemplate, toYaml }, checks] = await Promise.all([import('../../deploy/templates.js'), checksFrom(options)]);
      await emit(toYaml(conformancePackTemplate(checks)), options.output, context.io.stdout);
    });
}
