import type { Node } from 'web-tree-sitter';
import type { ValueNode } from '../../model/value.js';
import type { EvalContext } from './scope.js';
import { rangeIn, unresolved, withOrigin } from './values.js';

export interface Reference {
  value: ValueNode;
  /** How many of the following get_attr/index steps the reference itself used. */
  consumed: number;
}

const LATER = 'known only after apply';

/**
 * Resolves the start of a traversal: `var.x`, `local.y`, `path.module`, a name
 * bound by `for` or a template; anything Terraform learns at plan or apply time
 * (data sources, resources, module outputs, count/each) is unresolved.
 */
export function resolveReference(variable: Node, steps: Node[], ctx: EvalContext): Reference {
  const name = variable.text;
  const bound = ctx.names.get(name);
  if (bound) return { value: bound, consumed: 0 };
  if (ctx.template) {
    // Terraform refuses the plan: "vars map does not contain key".
    const message = `templatefile: variable \`${name}\` is not given`;
    const site = rangeIn(ctx.source, variable.startIndex, variable.endIndex);
    ctx.problems.push({ message, range: site, keepsValue: true });
    return { value: unresolved(name, message, site), consumed: 0 };
  }

  const attribute = steps[0]?.type === 'get_attr' ? (steps[0].namedChildren[0]?.text ?? '') : undefined;
  const end = attribute !== undefined ? (steps[0] as Node).endIndex : variable.endIndex;
  const text = ctx.source.lines.text.slice(variable.startIndex + ctx.source.delta, end + ctx.source.delta);
  const site = rangeIn(ctx.source, variable.startIndex, end);
  const fail = (reason: string, consumed = attribute !== undefined ? 1 : 0): Reference => ({
    value: unresolved(text, reason, site),
    consumed,
  });
  if (attribute === undefined) {
    return fail(ctx.names.size ? `${name} is not defined here` : `${name} cannot be resolved`);
  }

  switch (name) {
    case 'var': {
      const binding = ctx.scope.variable(attribute);
      if (!binding) return fail(`variable "${attribute}" is not declared`);
      if ('reason' in binding) return fail(binding.reason);
      return { value: withOrigin(binding.value, text, site), consumed: 1 };
    }
    case 'local': {
      const binding = ctx.scope.local(attribute);
      if (!binding) return fail(`local value "${attribute}" is not declared`);
      if ('reason' in binding) return fail(binding.reason);
      return { value: withOrigin(binding.value, text, site), consumed: 1 };
    }
    case 'path': {
      const value = attribute === 'module' ? ctx.scope.pathModule : attribute === 'root' || attribute === 'cwd' ? '.' : undefined;
      if (value === undefined) return fail(`path.${attribute} is not known`);
      return { value: { kind: 'string', value, range: site, syntax: 'hcl' }, consumed: 1 };
    }
    case 'data':
      return fail('data sources are read at plan time', 0);
    case 'module':
      return fail(`module outputs are ${LATER}`, 0);
    case 'count':
    case 'each':
      return fail(`${text} depends on the resource's expansion`);
    case 'terraform':
      return fail(`${text} depends on the workspace`);
    case 'self':
      return fail(`${text} is ${LATER}`);
    default:
      // `aws_iam_role.task.arn`: a resource attribute.
      return fail(`resource attributes are ${LATER}`, 0);
  }
}
