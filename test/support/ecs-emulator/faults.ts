import { ApiError } from './errors.js';
import type { Json } from './state.js';

export type ServiceName = 'ecs' | 'sts' | 'account' | 'elasticloadbalancing' | 'organizations' | 'config' | 'ecr';

/** Which requests a fault applies to; every given field must match. */
export interface FaultTarget {
  service?: ServiceName;
  operation?: string;
  region?: string;
  /** The account whose credentials signed the request (organization emulator). */
  accountId?: string;
  /** Matches on the request input, e.g. one task definition ARN. */
  match?: (input: Json) => boolean;
}

export interface FaultRule extends FaultTarget {
  /** Answer with this error instead of running the operation. */
  error?: { type: string; message?: string; status?: number };
  /** Close the connection without an answer (an unreachable endpoint). */
  drop?: boolean;
  /** Delay before answering (or failing). */
  latencyMs?: number;
  /** How many requests the rule affects; unlimited when absent. */
  times?: number;
}

export interface RateLimit {
  /** Tokens added per second (sustained requests per second). */
  ratePerSecond: number;
  /** Bucket size (requests allowed in a burst). */
  burst: number;
}

export type FaultDecision =
  | { kind: 'drop'; latencyMs: number }
  | { kind: 'error'; error: ApiError; latencyMs: number }
  | { kind: 'pass'; latencyMs: number };

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/** Fault injection: rules that fail or delay requests, and token-bucket rate limits per region and operation. */
export class Faults {
  private rules: Array<FaultRule & { used: number }> = [];
  private readonly limits = new Map<string, RateLimit>();
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly callerArn: string) {}

  /** Adds a rule; returns a function that removes it. */
  add(rule: FaultRule): () => void {
    const stored = { ...rule, used: 0 };
    this.rules.push(stored);
    return () => {
      this.rules = this.rules.filter((r) => r !== stored);
    };
  }

  /**
   * ThrottlingException once the bucket for (account, region, operation) is empty; each account and region has its own bucket, as in
   * AWS.
   */
  rateLimit(operation: string, limit: RateLimit): void {
    this.limits.set(operation, limit);
    for (const key of [...this.buckets.keys()]) if (key.endsWith(`|${operation}`)) this.buckets.delete(key);
  }

  /** `times` ServerException (HTTP 500) answers for an operation. */
  serverErrors(operation: string, times?: number, target: FaultTarget = {}): () => void {
    return this.add({
      ...target,
      operation,
      ...(times !== undefined ? { times } : {}),
      error: { type: 'ServerException', message: 'Service unavailable (injected).', status: 500 },
    });
  }

  /** AccessDeniedException for an operation and/or region (all ECS operations when neither is given). */
  denyAccess(target: FaultTarget = {}): () => void {
    return this.add({ ...target, error: { type: 'AccessDeniedException', status: 400 } });
  }

  latency(latencyMs: number, target: FaultTarget = {}): () => void {
    return this.add({ ...target, latencyMs });
  }

  clear(): void {
    this.rules = [];
    this.limits.clear();
    this.buckets.clear();
  }

  /** `accountId`: the account answering (organization emulator); rate-limit buckets are per account, region and operation. */
  decide(service: ServiceName, operation: string, region: string, input: Json, now = Date.now(), accountId = ''): FaultDecision {
    let latencyMs = 0;
    let failure: FaultDecision | undefined;
    for (const rule of this.rules) {
      if (rule.times !== undefined && rule.used >= rule.times) continue;
      if (rule.service !== undefined && rule.service !== service) continue;
      if (rule.service === undefined && service !== 'ecs' && rule.error) continue; // ECS faults by default
      if (rule.operation !== undefined && rule.operation !== operation) continue;
      if (rule.region !== undefined && rule.region !== region) continue;
      if (rule.accountId !== undefined && rule.accountId !== accountId) continue;
      if (rule.match && !rule.match(input)) continue;
      latencyMs += rule.latencyMs ?? 0;
      if (failure) continue;
      if (rule.drop) {
        rule.used++;
        failure = { kind: 'drop', latencyMs: 0 };
      } else if (rule.error) {
        rule.used++;
        const message = rule.error.message ?? accessDeniedMessage(this.callerArn, service, operation);
        failure = { kind: 'error', error: new ApiError(rule.error.type, message, rule.error.status ?? 400), latencyMs: 0 };
      } else if (rule.latencyMs) {
        rule.used++;
      }
    }
    if (failure) return { ...failure, latencyMs };
    if (!this.take(`${accountId}|${region}|${operation}`, operation, now)) {
      return { kind: 'error', error: new ApiError('ThrottlingException', 'Rate exceeded'), latencyMs };
    }
    return { kind: 'pass', latencyMs };
  }

  private take(key: string, operation: string, now: number): boolean {
    const limit = this.limits.get(operation);
    if (!limit) return true;
    const bucket = this.buckets.get(key) ?? { tokens: limit.burst, updatedAt: now };
    bucket.tokens = Math.min(limit.burst, bucket.tokens + ((now - bucket.updatedAt) / 1000) * limit.ratePerSecond);
    bucket.updatedAt = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }
}

function accessDeniedMessage(callerArn: string, service: ServiceName, operation: string): string {
  const action = `${service}:${operation}`;
  return (
    `User: ${callerArn} is not authorized to perform: ${action} on resource: * because no identity-based policy allows the ` +
    `${action} action`
  );
}
