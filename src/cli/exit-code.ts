/** Exit codes are part of the interface: scripts and CI gate on them. */
export const EXIT = {
  /** Nothing failed at or above the threshold and every input was read. */
  ok: 0,
  /** Failing findings (or, for fix, changes or manual fixes pending). */
  findings: 1,
  /** Usage error, or an input that could not be read: the result is incomplete. */
  incomplete: 2,
} as const;
