import { judgeRootUser } from '../checks/support/judgements.js';
import { fromPlain } from '../model/value.js';

/** True when `user` would itself fail the non-root checks (root, uid 0, empty). */
export function isRootUser(user: string): boolean {
  return judgeRootUser(fromPlain(user) as Parameters<typeof judgeRootUser>[0], 'linux', 'fails').value !== false;
}

/** The uid part of `user` ("1000" in "1000:1000"), for messages. */
export function uidOf(user: string): string {
  const colon = user.indexOf(':');
  return colon === -1 ? user : user.slice(0, colon);
}
