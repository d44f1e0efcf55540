import { UsageError } from '../../model/errors.js';
import type { LoadBalancingApi } from './load-balancing-api.js';
import type { Tag } from './register-input.js';
import type { ServiceFacts } from './service-inventory.js';

/** Batches go in this order: contain what the internet reaches, then production, then the rest. */
export type ServicePriority = 'internet-exposed' | 'production' | 'other';
export const PRIORITY_ORDER: readonly ServicePriority[] = ['internet-exposed', 'production', 'other'];

export interface ServiceRanking {
  priority: ServicePriority;
  /** Why, e.g. "public IP (assignPublicIp ENABLED)", "behind internet-facing load balancer web-public (target group web-tg)". */
  reasons: string[];
}

export const DEFAULT_PROD_TAGS = 'Environment=prod,env=production';

/** `Environment=prod,env=production` → tag matchers (key exact, value compared case-insensitively). */
export function parseProdTags(text: string): Tag[] {
  const tags = text
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq <= 0 || eq === pair.length - 1)
        throw new UsageError(`--prod-tags: "${pair}" is not KEY=VALUE (e.g. Environment=prod,env=production)`);
      return { key: pair.slice(0, eq).trim(), value: pair.slice(eq + 1).trim() };
    });
  if (tags.length === 0) throw new UsageError('--prod-tags needs at least one KEY=VALUE');
  return tags;
}

export function serviceKey(s: Pick<ServiceFacts, 'region' | 'cluster' | 'service'>): string {
  return `${s.region}/${s.cluster}/${s.service}`;
}

/**
 * Ranks services: internet-exposed (awsvpc with a public IP; a target group
 * behind an internet-facing ELBv2 load balancer), then production (a
 * `--prod-tags` tag on the service or its cluster), then the rest. When the
 * load balancers cannot be read, the service ranks as exposed and says so:
 * unknown exposure is contained first, never last.
 */
export async function rankServices(
  services: readonly ServiceFacts[],
  api: LoadBalancingApi,
  prodTags: readonly Tag[],
): Promise<{ ranking: Map<string, ServiceRanking>; errors: string[] }> {
  const errors: string[] = [];
  const { schemes, unknown } = await loadBalancerSchemes(services, api, errors);
  const ranking = new Map<string, ServiceRanking>();
  for (const s of services) {
    const exposed: string[] = [];
    if (s.assignPublicIp === 'ENABLED') exposed.push('public IP (assignPublicIp ENABLED)');
    for (const tg of s.targetGroupArns) {
      const why = unknown.get(`${s.region}\n${tg}`);
      if (why) {
        exposed.push(`load balancer exposure unknown (${why}); ranked as internet-exposed`);
        continue;
      }
      for (const lb of schemes.get(`${s.region}\n${tg}`) ?? []) {
        if (lb.scheme === 'internet-facing')
          exposed.push(`behind internet-facing load balancer ${lb.name} (target group ${lb.targetGroup})`);
      }
    }
    for (const name of s.classicLoadBalancers)
      exposed.push(`behind Classic Load Balancer ${name} (scheme not read); ranked as internet-exposed`);
    if (exposed.length) {
      ranking.set(serviceKey(s), { priority: 'internet-exposed', reasons: [...new Set(exposed)] });
      continue;
    }
    const prod = [
      ...matching(s.tags, prodTags).map((t) => `service tag ${t.key}=${t.value}`),
      ...matching(s.clusterTags, prodTags).map((t) => `cluster tag ${t.key}=${t.value}`),
    ];
    if (prod.length) ranking.set(serviceKey(s), { priority: 'production', reasons: prod });
    else ranking.set(serviceKey(s), { priority: 'other', reasons: ['not internet-exposed, no production tag'] });
  }
  return { ranking, errors };
}

function matching(tags: readonly Tag[], wanted: readonly Tag[]): Tag[] {
  return tags.filter((t) => wanted.some((w) => w.key === t.key && w.value.toLowerCase() === t.value.toLowerCase()));
}

type Scheme = { name: string; scheme: string; targetGroup: string };

/** Target group → its load balancers' schemes, per region; what could not be read → why. */
async function loadBalancerSchemes(services: readonly ServiceFacts[], api: LoadBalancingApi, errors: string[]) {
  const schemes = new Map<string, Scheme[]>();
  const unknown = new Map<string, string>();
  const byRegion = new Map<string, Set<string>>();
  for (const s of services) for (const tg of s.targetGroupArns) byRegion.set(s.region, (byRegion.get(s.region) ?? new Set()).add(tg));
  for (const [region, targetGroups] of byRegion) {
    const arns = [...targetGroups];
    try {
      const groups = await api.describeTargetGroups(region, arns);
      const lbArns = [...new Set(groups.flatMap((g) => g.loadBalancerArns))];
      const lbs = lbArns.length ? await api.describeLoadBalancers(region, lbArns) : [];
      for (const g of groups) {
        schemes.set(
          `${region}\n${g.arn}`,
          g.loadBalancerArns.map((arn) => {
            const lb = lbs.find((l) => l.arn === arn);
            return { name: lb?.name ?? arn, scheme: lb?.scheme ?? 'unknown', targetGroup: g.name };
          }),
        );
      }
      for (const arn of arns) if (!schemes.has(`${region}\n${arn}`)) unknown.set(`${region}\n${arn}`, 'target group not found');
    } catch (error) {
      const message = (error as Error).message;
      errors.push(message);
      for (const arn of arns) unknown.set(`${region}\n${arn}`, message);
    }
  }
  return { schemes, unknown };
}
