/** A deterministic pseudo-random generator, so every run scans the same corpus. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const USERS = [undefined, 'root', '0', '0:0', '1000', '1000:1000', 'app', '1000:0'];
const NETWORK_MODES = ['awsvpc', 'bridge', 'host', undefined];

export interface GeneratedContainer {
  name: string;
  image: string;
  essential: boolean;
  memory: number;
  user?: string;
  privileged?: boolean;
  portMappings: Array<{ containerPort: number; hostPort: number; protocol: string }>;
  environment: Array<{ name: string; value: string }>;
}

export function generateTaskDefinition(random: () => number, index: number) {
  const containerCount = 1 + Math.floor(random() * 5);
  const containers: GeneratedContainer[] = [];
  for (let c = 0; c < containerCount; c++) {
    const user = USERS[Math.floor(random() * USERS.length)];
    const container: GeneratedContainer = {
      name: `app-${c}`,
      image: `123456789012.dkr.ecr.us-east-1.amazonaws.com/service-${index}:${c}.0.${Math.floor(random() * 50)}`,
      essential: c === 0,
      memory: 128 * (1 + Math.floor(random() * 8)),
      portMappings: [{ containerPort: 8080 + c, hostPort: 8080 + c, protocol: 'tcp' }],
      environment: [
        { name: 'STAGE', value: 'prod' },
        { name: 'SERVICE_INDEX', value: String(index) },
      ],
    };
    if (user !== undefined) container.user = user;
    if (random() < 0.15) container.privileged = true;
    containers.push(container);
  }
  const networkMode = NETWORK_MODES[Math.floor(random() * NETWORK_MODES.length)];
  return {
    family: `service-${index}`,
    ...(networkMode ? { networkMode } : {}),
    requiresCompatibilities: ['EC2'],
    containerDefinitions: containers,
    tags: [{ key: 'team', value: `team-${index % 17}` }],
  };
}
