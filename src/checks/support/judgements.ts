import type { EffectiveUser, ImageUserFact } from '../../model/effective-user.js';
import type { TaskDefinition } from '../../model/task-definition.js';
import { type ValueNode, type Variant, booleanValue, describeValue, scalarText, variants } from '../../model/value.js';
import type { Tri } from './tri.js';

type Concrete = Variant['node'];

/** A judgement of one field value: the verdict and the words that explain it. */
export interface Judgement {
  value: Tri;
  /** Explains the verdict, e.g. `user "0:0" is uid 0 (root)`. */
  explanation: string;
  /** Something worth saying even when the value passes (root group, case variants). */
  note?: string;
  /** Whom the container runs as and where that came from (only when image users were resolved). */
  effectiveUser?: EffectiveUser;
}

const unresolved = (name: string, node: Concrete): Judgement => ({
  value: 'unknown',
  explanation: `${name} is ${describeValue(node)}, which cannot be resolved`,
});

const defaultUserNote = (os: OsFamily) =>
  `so the container runs as the image's default user, which is ${os === 'windows' ? 'ContainerAdministrator' : 'root'} unless the ` +
  'image sets USER';

/** Windows accounts with administrative rights besides ContainerAdministrator: noted, not failed. */
const WINDOWS_ADMIN_ACCOUNTS = new Set(['administrator', 'nt authority\\system', 'system', 'localsystem']);

export type OsFamily = 'linux' | 'windows';

/** Reads runtimePlatform.operatingSystemFamily: absent means Linux, as in ECS. */
export function judgeOsFamily(node: Concrete): OsFamily | 'unknown' {
  if (node === undefined || node.kind === 'null') return 'linux';
  const text = scalarText(node);
  if (text === undefined) return 'unknown';
  return text.toUpperCase().startsWith('WINDOWS') ? 'windows' : 'linux';
}

/** Runtimes parse the uid with Go's strconv.Atoi, which accepts a sign: "+0" and "-0" are uid 0 too. */
function isZero(text: string): boolean {
  return /^[+-]?[0-9]+$/.test(text) && Number(text) === 0;
}

/**
 * Is `user` root (or, on Windows, the administrator)? `missing` says how an
 * absent or empty user counts: `fails` for the non-root checks, `passes` for
 * CIS 3.1 (`host-network-no-privilege`).
 */
export function judgeRootUser(node: Concrete, os: OsFamily, missing: 'fails' | 'passes', image?: ImageUserFact): Judgement {
  const judgement = judgeUserValue(node, os, missing, image);
  if (image && !judgement.effectiveUser && judgement.value !== 'unknown' && node !== undefined && node.kind !== 'null') {
    const value = scalarText(node) ?? null;
    judgement.effectiveUser = { value, source: 'task definition', reason: judgement.explanation };
  }
  return judgement;
}

function judgeUserValue(node: Concrete, os: OsFamily, missing: 'fails' | 'passes', image: ImageUserFact | undefined): Judgement {
  if (node === undefined || node.kind === 'null') {
    if (missing === 'fails') return imageDefault('user is not set', os, image);
    return { value: false, explanation: 'user is not set' };
  }
  if (node.kind === 'unresolved') return unresolved('user', node);
  const text = node.kind === 'string' || node.kind === 'number' ? scalarText(node) : undefined;
  if (text === undefined) {
    return { value: 'unknown', explanation: `user is ${describeValue(node)}, which is not a string` };
  }
  if (text.trim() === '') {
    return missing === 'fails' ? imageDefault('user is empty', os, image) : { value: false, explanation: 'user is empty' };
  }
  const shown = node.kind === 'number' && node.raw !== text ? `${node.raw} (${text})` : JSON.stringify(text);
  if (text !== text.trim()) {
    return {
      value: false,
      explanation: `user ${shown} is not root`,
      note: `user ${shown} has surrounding spaces: no image has such a user, so the container would fail to start; remove the spaces`,
    };
  }
  if (os === 'windows') {
    const lowered = text.toLowerCase();
    if (lowered === 'containeradministrator') {
      return { value: true, explanation: `user ${shown} is the Windows administrator account` };
    }
    const result: Judgement = { value: false, explanation: `user ${shown} is not the Windows administrator account` };
    if (WINDOWS_ADMIN_ACCOUNTS.has(lowered)) {
      result.note = `user ${shown} is a Windows administrative account; ContainerUser is the unprivileged default`;
    }
    return result;
  }

  const colon = text.indexOf(':');
  const uid = colon === -1 ? text : text.slice(0, colon);
  const gid = colon === -1 ? undefined : text.slice(colon + 1);
  if (uid === '') {
    // ":1000" sets only the group: the uid is the image's default, as with no user at all.
    return missing === 'fails'
      ? imageDefault(`user ${shown} sets only a group`, os, image)
      : { value: false, explanation: `user ${shown} sets only a group` };
  }
  if (uid === 'root') return { value: true, explanation: `user ${shown} is the root user` };
  if (isZero(uid)) return { value: true, explanation: `user ${shown} is uid 0 (root)` };

  const result: Judgement = { value: false, explanation: `user ${shown} is not root` };
  if (gid !== undefined && (gid === 'root' || isZero(gid))) {
    result.note = `user ${shown} is not root, but its group is root (gid 0): files owned by group root are open to it`;
  } else if (uid.toLowerCase() === 'root') {
    result.note = `user ${shown} is not the root account on Linux (user names are case-sensitive), unless the image defines it with uid 0`;
  }
  return result;
}

/**
 * The task definition leaves the uid to the image. Strict (the default): that
 * fails whatever the image says; the image's user only explains. With
 * --accept-image-user a readable non-root image user passes. An image that
 * could not be read never passes.
 */
function imageDefault(what: string, os: OsFamily, image: ImageUserFact | undefined): Judgement {
  const strict = `${what}, ${defaultUserNote(os)}`;
  if (!image || image.kind === 'task-definition') return { value: true, explanation: strict };
  if (image.kind === 'unresolved') {
    const effectiveUser: EffectiveUser = { value: null, source: 'unresolved', reason: image.reason };
    if (image.expression !== undefined && image.acceptImageUser) {
      return {
        value: 'unknown',
        explanation: `${what} and image is ${image.expression}, which cannot be resolved, so the image's user is unknown`,
        effectiveUser,
      };
    }
    return { value: true, explanation: `${strict}; the image's user is unknown: ${image.reason}`, effectiveUser };
  }
  const named = image.image.includes('@') ? image.image : `${image.image}@${image.digest}`;
  const shownImage = image.image.includes('@') ? `image ${image.image}` : `image ${image.image} (${image.digest})`;
  const source = `image ${named}`;
  const effectiveUser = (reason: string): EffectiveUser => ({ value: image.user, source, reason });
  if (image.user === '') {
    const admin = os === 'windows' ? 'ContainerAdministrator' : 'root (uid 0)';
    const explanation = `${what}; ${shownImage} sets no USER, so it runs as ${admin}`;
    return { value: true, explanation, effectiveUser: effectiveUser(explanation) };
  }
  const judged = judgeUserValue({ kind: 'string', value: image.user }, os, 'fails', undefined);
  const shownUser = JSON.stringify(image.user);
  if (judged.value !== false) {
    const which = judged.explanation.replace(/^user (".*?"|\S+) /, '');
    const explanation = `${what}; ${shownImage} runs as ${shownUser}, which ${which}`;
    return { value: judged.value, explanation, effectiveUser: effectiveUser(explanation) };
  }
  const base = `${what}; ${shownImage} runs as ${shownUser}: effective non-root`;
  const note = judged.note ? `; ${judged.note}` : '';
  if (image.acceptImageUser) {
    const explanation = `${base} (accepted by --accept-image-user)`;
    return { value: false, explanation, note: `${explanation}${note}`, effectiveUser: effectiveUser(explanation) };
  }
  const explanation =
    `${base}, but strict semantics require ` +
    'the task definition to set it ' +
    `(--accept-image-user lets the image's user count)${note}`;
  return { value: true, explanation, effectiveUser: effectiveUser(explanation) };
}

/** Is the container privileged? CloudFormation's "true"/"false" strings count as booleans. */
export function judgePrivileged(node: Concrete): Judgement {
  if (node === undefined || node.kind === 'null') return { value: false, explanation: 'privileged is not set' };
  if (node.kind === 'unresolved') return unresolved('privileged', node);
  const flag = booleanValue(node);
  if (flag === undefined) {
    return { value: 'unknown', explanation: `privileged is ${describeValue(node)}, which is not a boolean` };
  }
  return flag
    ? { value: true, explanation: `privileged is ${describeValue(node)}` }
    : { value: false, explanation: `privileged is ${describeValue(node)}` };
}

/** Does the task use host network mode? Absent means the default (bridge on Linux), not host. */
export function judgeHostNetwork(node: Concrete): Judgement {
  if (node === undefined || node.kind === 'null') {
    return { value: false, explanation: 'networkMode is not set (the default is not host)' };
  }
  if (node.kind === 'unresolved') return unresolved('networkMode', node);
  const text = scalarText(node);
  if (text === undefined) {
    return { value: 'unknown', explanation: `networkMode is ${describeValue(node)}, which is not a string` };
  }
  return text.toLowerCase() === 'host'
    ? { value: true, explanation: `networkMode is ${JSON.stringify(text)}` }
    : { value: false, explanation: `networkMode is ${JSON.stringify(text)}` };
}

/** Judges `user` when the OS family itself may be unresolved: both readings must agree. */
export function judgeUserOnPlatform(
  user: Concrete,
  osNode: Concrete,
  missing: 'fails' | 'passes',
  image?: ImageUserFact,
): Judgement & { decidedBy: 'user' | 'os' } {
  const os = judgeOsFamily(osNode);
  // The judgements are fresh records: given the key in place (an object made by spreading another and then given a
  // key is slow in V8 11, and this runs for every container of every user check).
  if (os !== 'unknown') return decidedByUser(judgeRootUser(user, os, missing, image));
  const linux = judgeRootUser(user, 'linux', missing, image);
  const windows = judgeRootUser(user, 'windows', missing, image);
  if (linux.value === windows.value) return decidedByUser(linux);
  return {
    value: 'unknown',
    explanation:
      `operatingSystemFamily is ${describeValue(osNode)}, which cannot be resolved, and it decides ` +
      `whether ${linux.value === true ? linux.explanation : windows.explanation}`,
    decidedBy: 'os',
  };
}

function decidedByUser(judgement: Judgement): Judgement & { decidedBy: 'user' } {
  const decided = judgement as Judgement & { decidedBy: 'user' };
  decided.decidedBy = 'user';
  return decided;
}

/**
 * True when networkMode is known not to be host in every branch: the host-network
 * checks then pass whatever the containers say, even when they cannot be read.
 */
export function neverHostNetwork(node: ValueNode | undefined): boolean {
  return variants(node).every((v) => judgeHostNetwork(v.node).value === false && !allowsHostNetwork(v.node));
}

/** The value's definition also allows host (a parameter's AllowedValues): the containers are judged for a NOTE. */
function allowsHostNetwork(node: Concrete): boolean {
  return (node?.origin?.alternatives?.values ?? []).some((v) => v.kind !== 'conditional' && judgeHostNetwork(v).value === true);
}

/** What a container check's PASS says. */
export function containersPassMessage(taskDefinition: TaskDefinition): string {
  const count = taskDefinition.containers.length;
  if (count === 0) return 'the task definition has no container definitions';
  return count === 1 ? 'the container passes' : `all ${count} containers pass`;
}

/** What a host-network check's PASS says. */
export function hostNetworkPassMessage(taskDefinition: TaskDefinition): string {
  if (neverHostNetwork(taskDefinition.networkMode)) {
    const modes = [...new Set(variants(taskDefinition.networkMode).map((v) => judgeHostNetwork(v.node).explanation))];
    return `${modes.join(' or ')}, so the check does not apply`;
  }
  return containersPassMessage(taskDefinition);
}
