import type { Enricher } from '../../engine/scan.js';
import type { ImageUserFact } from '../../model/effective-user.js';
import type { ScanError } from '../../model/finding.js';
import type { ContainerDefinition, TaskDefinition } from '../../model/task-definition.js';
import { type ValueNode, describeValue, field, variants } from '../../model/value.js';
import { taskPlatform } from './platform.js';
import { ImageUserResolver, type ImageUserResolverOptions } from './resolver.js';

export interface ImageUserEnricherOptions extends ImageUserResolverOptions {
  /** `--accept-image-user`: a readable non-root image user lets an absent user pass. */
  acceptImageUser?: boolean;
  /** Says things worth knowing that change no verdict (an unwritable cache). */
  notice?: (message: string) => void;
}

/**
 * The stage between sources and checks that adds `imageUser` to every
 * container: for containers that leave the uid to the image (user absent,
 * empty or group-only in some variant) it reads the image's `config.User`.
 * Checks then judge the fact; they never fetch.
 */
export function imageUserEnricher(options: ImageUserEnricherOptions = {}): Enricher & { resolver: ImageUserResolver } {
  const resolver = new ImageUserResolver(options);
  const acceptImageUser = options.acceptImageUser ?? false;
  const reported = new Set<string>();
  const enrich = async (taskDefinitions: TaskDefinition[]): Promise<ScanError[]> => {
    await Promise.all(
      taskDefinitions.flatMap((taskDefinition) => {
        const platform = taskPlatform(taskDefinition);
        return taskDefinition.containers.map(async (container) => {
          container.imageUser = await factFor(container, platform, resolver, acceptImageUser);
        });
      }),
    );
    // Said once each. A broken Docker config is an input error (credentials the user meant to give were not read);
    // an unwritable cache only costs time. Per-image failures live in the findings.
    const cacheProblem = resolver.cacheProblem;
    if (cacheProblem && !reported.has(cacheProblem)) {
      reported.add(cacheProblem);
      options.notice?.(`${cacheProblem}; image users are fetched again next time`);
    }
    const problems = resolver.problems.filter((p) => !reported.has(p));
    for (const problem of problems) reported.add(problem);
    return problems.map((message) => ({ message, operation: 'resolve image users' }));
  };
  return Object.assign(enrich, { resolver });
}

async function factFor(
  container: ContainerDefinition,
  platform: ReturnType<typeof taskPlatform>,
  resolver: ImageUserResolver,
  acceptImageUser: boolean,
): Promise<ImageUserFact> {
  if (!leavesUidToImage(field(container.node, 'user'))) return { kind: 'task-definition' };
  const imageNode = field(container.node, 'image');
  if (imageNode === undefined || imageNode.kind === 'null') {
    return { kind: 'unresolved', reason: 'the container has no image', acceptImageUser };
  }
  if (imageNode.kind !== 'string') {
    const expression = describeValue(imageNode);
    return { kind: 'unresolved', expression, reason: `image is ${expression}, which cannot be resolved`, acceptImageUser };
  }
  const image = imageNode.value;
  const result = await resolver.resolve(image, platform);
  if (!result.ok) {
    const why = result.reason.startsWith(`${image}: `) ? result.reason.slice(image.length + 2) : result.reason;
    return { kind: 'unresolved', image, reason: `image ${image} could not be read: ${why}`, acceptImageUser };
  }
  return { kind: 'image', image, digest: result.digest, user: result.user, acceptImageUser };
}

/** Absent, null, empty or group-only (":1000") in some variant: the image's USER decides the uid there. */
function leavesUidToImage(user: ValueNode | undefined): boolean {
  return variants(user).some(({ node }) => {
    if (node === undefined || node.kind === 'null') return true;
    if (node.kind !== 'string') return false;
    return node.value.trim() === '' || node.value.startsWith(':');
  });
}
