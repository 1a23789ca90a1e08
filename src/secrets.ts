/**
 * Secrets never appear in output: INBOX_API_TOKEN, INBOX_WEBHOOK_SECRET and a Redis password (in
 * OUTREACH_REDIS_URL, as `redis://:pw@host` or `?password=pw`). Messages are built to leave them out
 * (URLs go through `redactUrl`); `secretValues` + `redactSecrets` are the last line at the CLI's
 * output streams, for the message nobody thought of (a library error that quotes a URL, say).
 */

/** Shown in place of a secret. */
export const REDACTED = "***";

/** Shorter values are not treated as secrets (masking "a" everywhere would garble output). */
const MIN_SECRET_LENGTH = 6;

/** The secret values the environment holds (INBOX_API_TOKEN, INBOX_WEBHOOK_SECRET, the Redis URL's password), longest first. */
export function secretValues(env: NodeJS.ProcessEnv = process.env): string[] {
  const values = [env["INBOX_API_TOKEN"], env["INBOX_WEBHOOK_SECRET"], ...urlSecrets(env["OUTREACH_REDIS_URL"])];
  const trimmed = values.flatMap((v) => (v === undefined ? [] : [v, v.trim()])).filter((v) => v.length >= MIN_SECRET_LENGTH);
  return [...new Set(trimmed)].sort((a, b) => b.length - a.length);
}

/** `text` with every occurrence of each of `secrets` replaced by REDACTED. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  return out;
}

/**
 * `url` fit for a message: its password and the value of every query parameter masked
 * (`redis://:***@host:6379/0?password=***`); "(an unparsable URL)" when it is not a URL at all,
 * since then nothing tells which part might be a secret.
 */
export function redactUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url.trim());
  } catch {
    return "(an unparsable URL)";
  }
  if (u.password !== "") u.password = REDACTED;
  const keys = [...new Set(u.searchParams.keys())];
  for (const key of keys) u.searchParams.set(key, REDACTED);
  return u.href.replace(/\/$/, "").replace(/%2A%2A%2A/g, REDACTED);
}

function urlSecrets(url: string | undefined): string[] {
  if (!url) return [];
  try {
    const u = new URL(url.trim());
    return [decodeURIComponent(u.password), u.searchParams.get("password") ?? "", u.password].filter(Boolean);
  } catch {
    return [];
  }
}
