import { LineIndex } from '../../model/location.js';
import type { ObjectNode, ValueNode } from '../../model/value.js';
import { renderTemplate } from './functions.js';
import { MappedLines } from './mapped-lines.js';
import { evaluateExpr } from './module-scope.js';
import type { Binding, EvalProblem, Scope } from './scope.js';
import type { Block } from './structure.js';
import { liftConditionals, textOrigin } from './values.js';

/**
 * `data "template_file"` (the template provider): `.rendered` is the template
 * with `vars`, which Terraform computes at plan time from known values. Other
 * data sources are read from the cloud and stay unresolved.
 */
export function readDataSource(block: Block, scope: Scope, problems: EvalProblem[]): Binding | undefined {
  if (block.labels[0] !== 'template_file') return undefined;
  if (block.attributes.some((a) => a.name === 'count' || a.name === 'for_each')) return undefined;
  const template = block.attributes.find((a) => a.name === 'template');
  if (!template) return { reason: `data.template_file.${block.labels[1] ?? ''} has no template` };
  const varsAttribute = block.attributes.find((a) => a.name === 'vars');
  const vars: ValueNode = varsAttribute ? evaluateExpr(varsAttribute.expr, scope, problems) : { kind: 'object', entries: [] };
  const text = evaluateExpr(template.expr, scope, problems);
  const expression = `data.template_file.${block.labels[1] ?? ''}`;
  const rendered = liftConditionals([text, vars], ([t, v]) => {
    if (t?.kind !== 'string')
      return {
        kind: 'unresolved',
        expression,
        reason: 'its template cannot be resolved',
        ...(block.range ? { range: block.range } : {}),
        syntax: 'hcl',
      };
    if (v?.kind !== 'object')
      return { kind: 'unresolved', expression, reason: 'its vars cannot be resolved', range: block.range, syntax: 'hcl' };
    const origin = textOrigin(t);
    const lines = origin ? new MappedLines(t.value, origin) : new LineIndex(t.value);
    const call = {
      name: 'template_file',
      text: expression,
      range: block.range,
      ctx: { scope, source: block.source, names: new Map(), problems },
    };
    return renderTemplate({ path: origin?.path ?? block.range.file, lines }, v, call);
  });
  const object: ObjectNode = {
    kind: 'object',
    entries: [
      { key: 'rendered', sourceKey: 'rendered', value: rendered },
      { key: 'template', sourceKey: 'template', value: text },
      { key: 'vars', sourceKey: 'vars', value: vars },
    ],
    range: block.range,
    syntax: 'hcl',
  };
  return { value: object };
}
