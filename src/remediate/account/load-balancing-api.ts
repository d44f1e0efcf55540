import type { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { describeAwsError, isAbort } from '../../sources/aws/errors.js';
import { EcsCallError } from '../../sources/aws/ecs-api.js';

export interface TargetGroupState {
  arn: string;
  name: string;
  loadBalancerArns: string[];
}

export interface LoadBalancerState {
  arn: string;
  name: string;
  /** `internet-facing` or `internal`. */
  scheme: string;
}

/** The two Elastic Load Balancing v2 reads exposure ranking needs. */
export interface LoadBalancingApi {
  describeTargetGroups(region: string, arns: readonly string[]): Promise<TargetGroupState[]>;
  describeLoadBalancers(region: string, arns: readonly string[]): Promise<LoadBalancerState[]>;
}

/** DescribeLoadBalancers takes at most 20 ARNs; the same chunk size keeps DescribeTargetGroups requests small. */
const ARNS_PER_CALL = 20;

export async function createLoadBalancingApi(
  clientFor: (region: string) => ElasticLoadBalancingV2Client,
  signal?: AbortSignal,
): Promise<LoadBalancingApi> {
  const sdk = await import('@aws-sdk/client-elastic-load-balancing-v2');
  const options = signal ? { abortSignal: signal } : {};
  const call = async <T>(region: string, operation: string, send: (client: ElasticLoadBalancingV2Client) => Promise<T>): Promise<T> => {
    signal?.throwIfAborted();
    try {
      return await send(clientFor(region));
    } catch (error) {
      if (isAbort(error) || signal?.aborted) throw signal?.reason ?? error;
      throw new EcsCallError(operation, region, describeAwsError(error, 'elasticloadbalancing', operation), error);
    }
  };
  return {
    async describeTargetGroups(region, arns) {
      const out: TargetGroupState[] = [];
      for (let i = 0; i < arns.length; i += ARNS_PER_CALL) {
        const answer = await call(region, 'DescribeTargetGroups', (client) =>
          client.send(new sdk.DescribeTargetGroupsCommand({ TargetGroupArns: arns.slice(i, i + ARNS_PER_CALL) }), options),
        );
        for (const tg of answer.TargetGroups ?? []) {
          out.push({ arn: tg.TargetGroupArn ?? '', name: tg.TargetGroupName ?? '', loadBalancerArns: [...(tg.LoadBalancerArns ?? [])] });
        }
      }
      return out;
    },
    async describeLoadBalancers(region, arns) {
      const out: LoadBalancerState[] = [];
      for (let i = 0; i < arns.length; i += ARNS_PER_CALL) {
        const answer = await call(region, 'DescribeLoadBalancers', (client) =>
          client.send(new sdk.DescribeLoadBalancersCommand({ LoadBalancerArns: arns.slice(i, i + ARNS_PER_CALL) }), options),
        );
        for (const lb of answer.LoadBalancers ?? [])
          out.push({ arn: lb.LoadBalancerArn ?? '', name: lb.LoadBalancerName ?? '', scheme: lb.Scheme ?? '' });
      }
      return out;
    },
  };
}
