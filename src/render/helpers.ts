/**
 * Template helpers. Every helper tolerates a missing or non-string value (it renders "" or the
 * fallback) because the renderer checks required variables *before* rendering and reports them
 * per lead; a helper that threw would turn a data problem into a crash.
 *
 *   {{default value "fallback"}}   value, or the fallback when value is missing, empty or whitespace.
 *                                  Marks `value` as optional: the lead is not rejected for it.
 *   {{firstName full_name}}        the first name, as written: "Dr. Jane Doe 🚀" → "Jane", "Doe, Jane" → "Jane",
 *                                  "Jane Doe, PhD" → "Jane"; "Dr. Doe" → "Dr. Doe"; "🚀" → "" (see names/first-name.ts).
 *   {{spin "Hi" "Hey" "Hello"}}    one of the variants; block form {{#spin}}Hi|Hey|Hello{{/spin}}
 *                                  splits on the template's own "|" (spin-marks.ts), never on a
 *                                  "|" that came from a value. The choice is a hash of (lead
 *                                  id, step id, which spin in the message this is), so a dry-run
 *                                  preview shows exactly what will be sent and a re-run sends the same.
 *   {{lower s}} {{upper s}} {{trim s}}   case and whitespace.
 *   {{#if x}} / {{#unless x}}      the built-ins, except that a whitespace-only string counts as false.
 */
import type Handlebars from "handlebars";
import { firstName } from "./names/first-name.js";
import { SPIN_SEPARATOR } from "./spin-marks.js";

/** Per-render state the renderer passes as `data.spin`; helpers read it through `options.data`. */
export interface SpinState {
  /** spinSeed(lead id, step id): the stable part of every spin's hash in one message. */
  seed: number;
  /** How many spins this render has resolved so far: the occurrence index of the next one. */
  count: number;
}

/** FNV-1a over "<lead id>\u0000<step id>"; computed once per render, not once per spin. */
export function spinSeed(leadId: string, stepId: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < leadId.length; i++) h = Math.imul(h ^ leadId.charCodeAt(i), 0x01000193);
  h = Math.imul(h, 0x01000193); // the \u0000 separator: "1"+"23" and "12"+"3" must differ
  for (let i = 0; i < stepId.length; i++) h = Math.imul(h ^ stepId.charCodeAt(i), 0x01000193);
  return h;
}

/** Helper name → number of positional arguments it accepts [min, max]; the analyzer checks calls. */
export const HELPER_ARITY: Readonly<Record<string, readonly [number, number]>> = {
  default: [2, 2],
  firstName: [1, 1],
  spin: [0, Infinity], // 0 only in block form; checked by the analyzer
  lower: [1, 1],
  upper: [1, 1],
  trim: [1, 1],
};

export function registerHelpers(env: typeof Handlebars): void {
  // `if`/`unless` treat a whitespace-only string as false, as the required-variable check does:
  // otherwise {{#if company}}{{company}}{{/if}} would let a blank company through its own guard.
  for (const name of ["if", "unless"] as const) {
    const builtin = env.helpers[name] as (this: unknown, condition: unknown, options: unknown) => unknown;
    env.registerHelper(name, function (this: unknown, condition: unknown, options: unknown) {
      return builtin.call(this, typeof condition === "string" && condition.trim() === "" ? "" : condition, options);
    });
  }
  env.registerHelper("default", (value: unknown, fallback: unknown) => (isBlank(value) ? text(fallback) : text(value)));
  env.registerHelper("firstName", (name: unknown) => firstName(text(name)));
  env.registerHelper("lower", (value: unknown) => text(value).toLowerCase());
  env.registerHelper("upper", (value: unknown) => text(value).toUpperCase());
  env.registerHelper("trim", (value: unknown) => text(value).trim());
  env.registerHelper("spin", function (this: unknown, ...args: unknown[]) {
    const options = args.pop() as Handlebars.HelperOptions;
    const variants = args.length > 0 ? args : options.fn(this).split(SPIN_SEPARATOR);
    const state = (options.data as { spin?: SpinState } | undefined)?.spin;
    // Outside the renderer (no state) the first variant is the stable choice.
    const index = state === undefined ? 0 : pickIndex(state.seed, state.count++, variants.length);
    return text(variants[index]);
  });
}

export function isBlank(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === "string" && value.trim() === "");
}

function text(value: unknown): string {
  return value === undefined || value === null ? "" : String(value);
}

/** Mixes the occurrence into the seed, then a murmur3 finaliser: stable across Node versions, well spread for small n. */
function pickIndex(seed: number, occurrence: number, n: number): number {
  let h = Math.imul(seed ^ occurrence, 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) % n;
}
