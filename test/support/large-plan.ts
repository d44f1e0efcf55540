/**
 * A plan of `count` task definitions: every seventh has container_definitions that are not JSON (a failure), every
 * fifth a misspelt judged field (an error that stops no check), every eleventh a container without a name (a
 * warning); the others alternate root and non-root users. Each has a realistic environment, so that 1,300 of them
 * make a plan large enough to be read in two lanes.
 */
export function largePlan(count: number): string {
  const resources = [];
  const changes = [];
  for (let i = 0; i < count; i++) {
    const environment = Array.from({ length: 12 }, (_, k) => ({ name: `SETTING_${k}`, value: `value-${i}-${k}-${'x'.repeat(40)}` }));
    const containers =
      i % 7 === 3
        ? '[{"name": 1,'
        : i % 5 === 1
          ? JSON.stringify([{ name: 'app', image: 'nginx', user: '1000', priviliged: true, environment }])
          : i % 11 === 2
            ? JSON.stringify([{ image: 'nginx', user: '1000', environment }])
            : JSON.stringify([{ name: 'app', image: 'nginx', user: i % 2 === 0 ? '1000' : '0', environment }]);
    const address = `aws_ecs_task_definition.svc[${i}]`;
    const values = { family: `svc-${i}`, network_mode: i % 3 === 0 ? 'host' : 'awsvpc', container_definitions: containers };
    resources.push({ address, mode: 'managed', type: 'aws_ecs_task_definition', name: 'svc', index: i, values });
    changes.push({
      address,
      mode: 'managed',
      type: 'aws_ecs_task_definition',
      name: 'svc',
      change: { actions: ['create'], before: null, after: values, after_unknown: { arn: true, id: true, revision: true } },
    });
  }
  return JSON.stringify({ format_version: '1.2', planned_values: { root_module: { resources } }, resource_changes: changes }, null, 2);
}
