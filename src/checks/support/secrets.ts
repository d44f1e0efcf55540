/**
 * Decides whether an environment variable holds a credential, without ever
 * returning the value: only what kind it is and a redacted hint.
 */

/** Names that say the value is a credential. Anchored at the end: DB_PASSWORD_FILE or TOKEN_TTL are not. */
const SENSITIVE_NAME = new RegExp(
  '(^|_)(PASSWORD|PASSWD|PASSPHRASE|SECRET|SECRET_KEY|SECRET_ACCESS_KEY|SESSION_TOKEN|TOKEN|AUTH_TOKEN|ACCESS_TOKEN|' +
    'API_KEY|APIKEY|PRIVATE_KEY|CLIENT_SECRET|ENGINE_AUTH_DATA)$',
  'i',
);

/** Formats that are credentials wherever they appear. */
const CREDENTIAL_FORMATS: Array<{ kind: string; pattern: RegExp }> = [
  { kind: 'an AWS access key id', pattern: /\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z2-7]{16}\b/ },
  { kind: 'a private key block', pattern: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/ },
  { kind: 'a JSON Web Token', pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/ },
  { kind: 'a GitHub token', pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{60,})\b/ },
  { kind: 'a Slack token', pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}/ },
  { kind: 'a password in a URL', pattern: /\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:([^\s@/]+)@/i },
];

/** Values that are not secrets even under a sensitive name. */
const NOT_A_VALUE = new Set([
  'true',
  'false',
  'yes',
  'no',
  'on',
  'off',
  'none',
  'null',
  'nil',
  'undefined',
  'enabled',
  'disabled',
  'required',
  'optional',
]);

/** A placeholder the deployment fills in later: ${X}, $X, {{x}}, <x>, %(x)s, __X__. */
export function isPlaceholder(text: string): boolean {
  const t = text.trim();
  return (
    /^\$\{[^}]*\}$/.test(t) ||
    /^\$[A-Za-z_][A-Za-z0-9_]*$/.test(t) ||
    /^\{\{.*\}\}$/s.test(t) ||
    /^<[^<>]*>$/.test(t) ||
    /^%\([^)]*\)s$/.test(t) ||
    /^__[A-Z0-9_]+__$/.test(t)
  );
}

/** An ARN, an SSM parameter path or a file path: the value names where the secret is, not the secret. */
export function isReference(text: string): boolean {
  const t = text.trim();
  return t.startsWith('arn:') || t.startsWith('/') || /^ssm:|^secretsmanager:|^resolve:/i.test(t) || /^\{\{resolve:/.test(t);
}

export const sensitiveName = (name: string): boolean => SENSITIVE_NAME.test(name);

export interface SecretHit {
  /** What it is, e.g. "an AWS access key id". */
  kind: string;
  /** A hint that reveals nothing: the length, and for key ids the public prefix. */
  hint: string;
}

/** Whether a literal value is a credential; never returns the value itself. */
export function detectSecret(name: string, value: string): SecretHit | undefined {
  for (const { kind, pattern } of CREDENTIAL_FORMATS) {
    const match = pattern.exec(value);
    if (!match) continue;
    if (kind === 'a password in a URL' && (isPlaceholder(match[1] ?? '') || /^[$<{*x]+$/i.test(match[1] ?? ''))) continue;
    return { kind, hint: redact(value, kind) };
  }
  if (!sensitiveName(name)) return undefined;
  const t = value.trim();
  if (t === '' || NOT_A_VALUE.has(t.toLowerCase()) || /^[0-9]{1,2}$/.test(t) || /^\*+$/.test(t) || isPlaceholder(t) || isReference(t))
    return undefined;
  return { kind: 'a literal value', hint: redact(value, 'a literal value') };
}

function redact(value: string, kind: string): string {
  const length = `${value.length} character${value.length === 1 ? '' : 's'}`;
  if (kind === 'an AWS access key id') {
    const prefix = /(AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)/.exec(value)?.[1] ?? '';
    return `${prefix}…, ${length}, redacted`;
  }
  return `${length}, redacted`;
}
