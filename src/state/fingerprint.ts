/**
 * What a run's inputs looked like, recorded in the state so the next run can say what changed and
 * refuse (without a flag) the changes that would message people twice or strand them.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import type { Campaign } from "../config/types.js";
import type { Fingerprint } from "./types.js";

export type ChangeSeverity = "info" | "warning" | "needs-flag";
export interface FingerprintChange {
  what: string;
  severity: ChangeSeverity;
}

/**
 * `templateTexts` maps a step id (or the step's template path) to the template's text.
 * `campaign` is "key=hash,…" over the campaign's top-level keys — still one opaque hash to compare,
 * but it lets `diffFingerprint` name the keys that changed without storing the campaign itself.
 */
export async function computeFingerprint(campaign: Campaign, templateTexts: Record<string, string>): Promise<Fingerprint> {
  const templates: Record<string, string> = {};
  for (const step of [...campaign.sequence, ...campaign.replySteps]) {
    if (step.template === undefined) continue;
    const text = templateTexts[step.id] ?? templateTexts[step.template];
    if (text !== undefined) templates[step.id] = sha256(text).slice(0, 32);
  }
  return {
    campaign: campaignHash(campaign),
    templates,
    sequence: campaign.sequence.map((s) => s.id),
    replySteps: campaign.replySteps.map((s) => s.id),
    accounts: [...campaign.accounts],
    idColumn: campaign.leads.idColumn,
    csv: await hashFile(campaign.leads.file),
  };
}

/** sha256 (hex) of the first `bytes` bytes of `file`: equal to the old CSV hash iff rows were only appended. */
export async function hashFilePrefix(file: string, bytes: number): Promise<string> {
  if (bytes <= 0) return createHash("sha256").digest("hex");
  return (await hashFile(file, bytes - 1)).hash;
}

/**
 * The changes between the recorded fingerprint and today's, each with how serious it is:
 * "needs-flag" ones can make the runner message someone twice or strand a lead, so the CLI refuses
 * them without an explicit flag. `csvPrefixHash` is `hashFilePrefix(csv, old.csv.size)`, computed by
 * the caller when the CSV grew (diffing stays pure).
 */
export function diffFingerprint(old: Fingerprint, now: Fingerprint, csvPrefixHash?: string): { changes: FingerprintChange[] } {
  const changes: FingerprintChange[] = [];
  const add = (severity: ChangeSeverity, what: string): void => void changes.push({ severity, what });

  if (old.csv.hash !== now.csv.hash) {
    if (now.csv.size > old.csv.size && csvPrefixHash === old.csv.hash) {
      add("info", `${now.csv.size - old.csv.size} bytes appended to the CSV: new leads will be picked up`);
    } else {
      add("needs-flag", "the CSV was edited, not only appended: rows whose id changed would be messaged as new leads");
    }
  }
  if (old.idColumn !== now.idColumn) {
    add("needs-flag", `the id column changed from "${old.idColumn}" to "${now.idColumn}": every lead would look new and be messaged again`);
  }
  for (const id of old.sequence.filter((s) => !now.sequence.includes(s))) {
    add("needs-flag", `sequence step "${id}" is gone or was renamed: leads would get a renamed step again, and their progress past it is lost`);
  }
  for (const id of old.replySteps.filter((s) => !now.replySteps.includes(s))) {
    add("needs-flag", `reply step "${id}" is gone or was renamed: leads who already got it could get it again under the new id`);
  }
  const kept = now.sequence.filter((s) => old.sequence.includes(s));
  if (kept.join("\0") !== old.sequence.filter((s) => now.sequence.includes(s)).join("\0")) {
    add("warning", "the sequence steps were reordered: leads continue with the step that now follows their last one sent");
  }
  for (const id of [...now.sequence, ...now.replySteps].filter((s) => !old.sequence.includes(s) && !old.replySteps.includes(s))) {
    add("info", `step "${id}" was added`);
  }
  for (const a of old.accounts.filter((x) => !now.accounts.includes(x))) {
    add("needs-flag", `account ${a} was removed: its leads get no more follow-ups or reply steps (from another account they would start a new thread); they are skipped with that reason`);
  }
  for (const a of now.accounts.filter((x) => !old.accounts.includes(x))) add("info", `account ${a} was added`);
  for (const [id, hash] of Object.entries(now.templates)) {
    const before = old.templates[id];
    if (before !== undefined && before !== hash) add("warning", `the template of step "${id}" changed: leads not yet sent that step get the new text`);
  }
  if (old.campaign !== now.campaign) {
    const keys = changedKeys(old.campaign, now.campaign);
    add("info", keys.length > 0 ? `campaign settings changed: ${keys.join(", ")}` : "campaign settings changed");
  }
  return { changes };
}

/** Paths are left out: moving the campaign folder, or running it from elsewhere, is not a change. */
function campaignHash(c: Campaign): string {
  const { file: _f, dir: _d, stateFile: _s, suppressionFile, ...rest } = c;
  const normalised: Record<string, unknown> = {
    ...rest,
    hasSuppressionFile: suppressionFile !== undefined,
    leads: { ...c.leads, file: undefined },
    sequence: c.sequence.map((s) => ({ ...s, template: undefined })),
    replySteps: c.replySteps.map((s) => ({ ...s, template: s.template === undefined ? undefined : true })),
  };
  return Object.keys(normalised)
    .sort()
    .map((k) => `${k}=${sha256(stableJson(normalised[k])).slice(0, 12)}`)
    .join(",");
}

function changedKeys(before: string, after: string): string[] {
  const ours = /^[A-Za-z]+=[0-9a-f]+(,[A-Za-z]+=[0-9a-f]+)*$/;
  if (!ours.test(before) || !ours.test(after)) return []; // recorded by another version: can't tell
  const parse = (s: string): Map<string, string> => new Map(s.split(",").map((kv) => kv.split("=") as [string, string]));
  const a = parse(before);
  const b = parse(after);
  return [...new Set([...a.keys(), ...b.keys()])].filter((k) => a.get(k) !== b.get(k)).sort();
}

function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map((x) => stableJson(x ?? null)).join(",")}]`;
  if (v !== null && typeof v === "object") {
    const entries = Object.entries(v).filter(([, x]) => x !== undefined);
    return `{${entries.sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, x]) => `${JSON.stringify(k)}:${stableJson(x)}`).join(",")}}`;
  }
  return JSON.stringify(v) ?? "null";
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** Streams the file (a 100 MB CSV is never held in memory). `end` is the inclusive last byte. */
function hashFile(file: string, end?: number): Promise<{ size: number; hash: string }> {
  return new Promise((resolve, reject) => {
    const h = createHash("sha256");
    let size = 0;
    createReadStream(file, end === undefined ? {} : { end })
      .on("data", (chunk) => {
        size += chunk.length;
        h.update(chunk);
      })
      .on("error", reject)
      .on("end", () => resolve({ size, hash: h.digest("hex") }));
  });
}
