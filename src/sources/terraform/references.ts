import type { Node } from 'web-tree-sitter';
import type { Origin, ValueNode } from '../../model/value.js';
import type { EvalContext } from './scope.js';
import { rangeIn, unresolved, withOrigin } from './values.js';

export interface Reference {
  value: ValueNode;
  /** How many of the following get_attr/index steps the reference itself used. */
  consumed: number;
}

const LATER = 'known only after apply';

/** The variable or local behind a reference, as the module's scope counted it. */
function definitionOf(ctx: EvalContext, kind: 'var' | 'local', name: string): Origin['definition'] {
  const found = ctx.scope.definition?.(kind, name);
  if (!found) return undefined;
  return { name: `${kind === 'var' ? 'variable' : 'local'} ${name}`, ...found };
}

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
      return { value: withOrigin(binding.value, text, site, definitionOf(ctx, 'var', attribute)), consumed: 1 };
    }
    case 'local': {
      const binding = ctx.scope.local(attribute);
      if (!binding) return fail(`local value "${attribute}" is not declared`);
      if ('reason' in binding) return fail(binding.reason);
      return { value: withOrigin(binding.value, text, site, definitionOf(ctx, 'local', attribute)), consumed: 1 };
    }
    case 'path': {
      const value = attribute === 'module' ? ctx.scope.pathModule : attribute === 'root' || attribute === 'cwd' ? '.' : undefined;
      if (value === undefined) return fail(`path.${attribute} is not known`);
      return { value: { kind: 'string', value, range: site, syntax: 'hcl' }, consumed: 1 };
    }
    case 'data': {
      const name = steps[1]?.type === 'get_attr' ? (steps[1].namedChildren[0]?.text ?? '') : undefined;
      const binding = name === undefined ? undefined : ctx.scope.data?.(attribute, name);
      if (!binding) return fail('data sources are read at plan time', 0);
      const dataEnd = (steps[1] as Node).endIndex;
      const dataText = ctx.source.lines.text.slice(variable.startIndex + ctx.source.delta, dataEnd + ctx.source.delta);
      const dataSite = rangeIn(ctx.source, variable.startIndex, dataEnd);
      if ('reason' in binding) return { value: unresolved(dataText, binding.reason, dataSite), consumed: 2 };
      return { value: withOrigin(binding.value, dataText, dataSite), consumed: 2 };
    }
    case 'module': {
      const binding = ctx.scope.module?.(attribute);
      if (!binding) return fail(`module outputs are ${LATER}`, 0);
      if ('reason' in binding) return fail(binding.reason, 0);
      return { value: withOrigin(binding.value, text, site), consumed: 1 };
    }
    case 'count': {
      const expansion = ctx.scope.expansion;
      if (attribute === 'index' && expansion && 'count' in expansion)
        return { value: withOrigin(expansion.count, text, site), consumed: 1 };
      return fail(`${text} depends on the resource's expansion`);
    }
    case 'each': {
      const expansion = ctx.scope.expansion;
      if (expansion && 'key' in expansion && (attribute === 'key' || attribute === 'value')) {
        return { value: withOrigin(attribute === 'key' ? expansion.key : expansion.value, text, site), consumed: 1 };
      }
      return fail(`${text} depends on the resource's expansion`);
    }
    case 'terraform':
      return fail(`${text} depends on the workspace`);
    case 'self':
      return fail(`${text} is ${LATER}`);
    default:
      // `aws_iam_role.task.arn`: a resource attribute.
      return fail(`resource attributes are ${LATER}`, 0);
  }
}
