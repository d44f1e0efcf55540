import { ApiError } from './errors.js';
import type { Json } from './state.js';

/** An Application or Network Load Balancer, as DescribeLoadBalancers returns it (the fields exposure ranking reads). */
export interface LoadBalancer {
  LoadBalancerArn: string;
  LoadBalancerName: string;
  Scheme: 'internet-facing' | 'internal';
  Type: 'application' | 'network';
  DNSName: string;
}

export interface TargetGroup {
  TargetGroupArn: string;
  TargetGroupName: string;
  LoadBalancerArns: string[];
  Protocol: string;
  Port: number;
  TargetType: 'ip' | 'instance';
}

/** Elastic Load Balancing v2 per region: load balancers and target groups, seeded by tests. */
export class LoadBalancingState {
  private readonly loadBalancers = new Map<string, LoadBalancer[]>();
  private readonly targetGroups = new Map<string, TargetGroup[]>();
  private sequence = 0;

  constructor(private readonly accountId: string) {}

  private prefix(region: string): string {
    return `arn:aws:elasticloadbalancing:${region}:${this.accountId}`;
  }

  private id(): string {
    this.sequence++;
    return this.sequence.toString(16).padStart(16, '0');
  }

  createLoadBalancer(region: string, seed: { name: string; scheme: LoadBalancer['Scheme']; type?: LoadBalancer['Type'] }): LoadBalancer {
    const type = seed.type ?? 'application';
    const lb: LoadBalancer = {
      LoadBalancerArn: `${this.prefix(region)}:loadbalancer/${type === 'application' ? 'app' : 'net'}/${seed.name}/${this.id()}`,
      LoadBalancerName: seed.name,
      Scheme: seed.scheme,
      Type: type,
      DNSName: `${seed.scheme === 'internal' ? 'internal-' : ''}${seed.name}-1234567890.${region}.elb.amazonaws.com`,
    };
    this.loadBalancers.set(region, [...(this.loadBalancers.get(region) ?? []), lb]);
    return lb;
  }

  /** A target group, attached to the given load balancers (listener rules are not modelled). */
  createTargetGroup(region: string, seed: { name: string; loadBalancerArns?: string[] }): TargetGroup {
    const tg: TargetGroup = {
      TargetGroupArn: `${this.prefix(region)}:targetgroup/${seed.name}/${this.id()}`,
      TargetGroupName: seed.name,
      LoadBalancerArns: [...(seed.loadBalancerArns ?? [])],
      Protocol: 'HTTP',
      Port: 8080,
      TargetType: 'ip',
    };
    this.targetGroups.set(region, [...(this.targetGroups.get(region) ?? []), tg]);
    return tg;
  }

  /** DescribeTargetGroups / DescribeLoadBalancers by ARN (what the fixer calls); unknown ARNs fail the call, as ELBv2 does. */
  run(region: string, operation: string, input: Json): Json {
    if (operation === 'DescribeTargetGroups') {
      const wanted = members(input, 'TargetGroupArns');
      const all = this.targetGroups.get(region) ?? [];
      const found = wanted.length ? wanted.map((arn) => all.find((tg) => tg.TargetGroupArn === arn)) : all;
      if (found.some((tg) => tg === undefined)) throw new ApiError('TargetGroupNotFound', 'One or more target groups not found');
      return { TargetGroups: found };
    }
    if (operation === 'DescribeLoadBalancers') {
      const wanted = members(input, 'LoadBalancerArns');
      const all = this.loadBalancers.get(region) ?? [];
      const found = wanted.length ? wanted.map((arn) => all.find((lb) => lb.LoadBalancerArn === arn)) : all;
      if (found.some((lb) => lb === undefined)) throw new ApiError('LoadBalancerNotFound', 'One or more load balancers not found');
      if (found.length > 20) throw new ApiError('ValidationError', 'LoadBalancerArns can have at most 20 items');
      return { LoadBalancers: found };
    }
    throw new ApiError('InvalidAction', `The emulator does not implement elasticloadbalancing ${operation}.`);
  }
}

/** Query-protocol lists: `Names.member.1=a&Names.member.2=b`. */
function members(input: Json, name: string): string[] {
  const out: string[] = [];
  for (let i = 1; typeof input[`${name}.member.${i}`] === 'string'; i++) out.push(input[`${name}.member.${i}`] as string);
  return out;
}

/** The Query protocol's XML answer: lists as `<member>` elements. */
export function elbv2Xml(operation: string, result: Json | ApiError, requestId: string): { status: number; body: string } {
  if (result instanceof ApiError) {
    const code = result.type === 'AccessDeniedException' ? 'AccessDenied' : result.type;
    const status = code === 'AccessDenied' ? 403 : result.status;
    return {
      status,
      body:
        `<ErrorResponse xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/">` +
        `<Error><Type>Sender</Type><Code>${xml(code)}</Code><Message>${xml(result.message)}</Message></Error>` +
        `<RequestId>${requestId}</RequestId></ErrorResponse>`,
    };
  }
  return {
    status: 200,
    body:
      `<${operation}Response xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/">` +
      `<${operation}Result>${toXml(result)}</${operation}Result><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata>` +
      `</${operation}Response>`,
  };
}

function toXml(value: unknown): string {
  if (Array.isArray(value)) return value.map((v) => `<member>${toXml(v)}</member>`).join('');
  if (typeof value === 'object' && value !== null)
    return Object.entries(value)
      .map(([k, v]) => `<${k}>${toXml(v)}</${k}>`)
      .join('');
  return xml(String(value));
}

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
