// A fixed, single-thread JavaScript workload whose CPU time says how fast this machine runs code like ecsguard's
// (JSON text, strings, many short-lived objects), with none of ecsguard's code: the same bench figures from two
// machines compare in proportion to it. Run in a fresh process, as the CLI is; prints its CPU time in ms.
const started = process.cpuUsage();

function taskDefinition(i) {
  return {
    family: `service-${i}`,
    networkMode: i % 3 === 0 ? 'host' : 'awsvpc',
    containerDefinitions: Array.from({ length: 1 + (i % 4) }, (_, c) => ({
      name: `container-${c}`,
      image: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/service-${i}:${c}.0.${i % 7}`,
      user: c % 2 ? '1000:1000' : 'root',
      privileged: i % 5 === c,
      environment: Array.from({ length: 6 }, (_, e) => ({ name: `VAR_${e}`, value: `value-${i}-${c}-${e}` })),
      portMappings: [{ containerPort: 8080 + c, hostPort: 8080 + c, protocol: 'tcp' }],
    })),
  };
}

let checksum = 0;
for (let round = 0; round < 4; round++) {
  const text = JSON.stringify(
    Array.from({ length: 1500 }, (_, i) => taskDefinition(i + round)),
    null,
    2,
  );
  const parsed = JSON.parse(text);
  for (const definition of parsed) {
    for (const container of definition.containerDefinitions) {
      if (container.privileged || /^(0|root)(:|$)/.test(container.user)) checksum++;
      checksum += container.image.split('/').pop().length;
    }
  }
  checksum += text.split('\n').filter((line) => line.includes('"name"')).length;
}

const used = process.cpuUsage(started);
if (checksum !== 374_138) throw new Error(`reference workload changed: checksum ${checksum}`);
console.log(((used.user + used.system) / 1000).toFixed(0));
