import path from "node:path";
import { describe, expect, it } from "vitest";
import { checkCampaignText } from "../../../src/config/load.js";
import { formatProblem } from "../../../src/errors.js";

const FIXTURES = path.resolve(import.meta.dirname, "../../fixtures/config");

/** Problems for a campaign text placed beside the fixtures (leads.csv, intro.hbs, … exist there). */
async function problemsOf(text: string): Promise<string[]> {
  const result = await checkCampaignText(text, path.join(FIXTURES, "campaign.yaml"), {
    shown: "campaign.yaml",
    show: (file) => path.relative(FIXTURES, file),
  });
  expect(result.campaign === undefined).toBe(result.problems.length > 0);
  return result.problems.map(formatProblem);
}

/** Lines 1-3 of every case: valid, so each case's problems come from the lines it adds. */
const HEAD = ["name: T", "leads: {file: leads.csv, idColumn: id}", "accounts: [acc1, acc2]"];
const STEPS = ["steps:", "  - id: intro", "    template: intro.hbs"];
const PACING = ["pacing:", "  timezone: UTC"];
const doc = (...lines: string[]) => `${lines.join("\n")}\n`;

describe("campaign problems: one message form per kind of mistake", () => {
  it.each([
    {
      kind: "unknown key, with a suggestion",
      text: doc(...HEAD, ...STEPS, ...PACING, "  perAccount:", "    perHuor: 10"),
      want: ['campaign.yaml:10:5 pacing.perAccount.perHuor: unknown key "perHuor" — did you mean "perHour"?'],
    },
    {
      kind: "unknown key, without a close match",
      text: doc(...HEAD, ...STEPS, ...PACING, "colour: blue"),
      want: ['campaign.yaml:9:1 colour: unknown key "colour"'],
    },
    {
      kind: "wrong type",
      text: doc(...HEAD, ...STEPS, ...PACING, "  perAccount: {perHour: lots}"),
      want: ['campaign.yaml:9:25 pacing.perAccount.perHour: expected a whole number, got "lots"'],
    },
    {
      kind: "missing key points at the mapping that should hold it",
      text: doc(...HEAD, ...STEPS, "pacing:", "  hours: 09:00-17:00"),
      want: ['campaign.yaml:7:1 pacing.timezone: missing required key "timezone"'],
    },
    {
      kind: "missing top-level key",
      text: doc(...HEAD, ...PACING),
      want: ['campaign.yaml:1:1 steps: missing required key "steps"'],
    },
    {
      kind: "bad duration",
      text: doc(...HEAD, ...STEPS, "  - id: nudge", "    template: nudge.hbs", "    after: 3 days", ...PACING),
      want: ['campaign.yaml:9:12 steps[1].after: expected a duration like "3d", "90m" or "1h30m", got "3 days" — did you mean "3d"?'],
    },
    {
      kind: "bad hours",
      text: doc(...HEAD, ...STEPS, ...PACING, "  hours: 9am-5pm"),
      want: ['campaign.yaml:9:10 pacing.hours: expected hours like "09:00-17:00", got "9am-5pm"'],
    },
    {
      kind: "hours ending before they start",
      text: doc(...HEAD, ...STEPS, ...PACING, '  hours: "17:00-09:00"'),
      want: [
        'campaign.yaml:9:10 pacing.hours: expected the start before the end, like "09:00-17:00" (overnight windows are not supported), got "17:00-09:00"',
      ],
    },
    {
      kind: "bad time zone",
      text: doc(...HEAD, ...STEPS, "pacing:", "  timezone: Mars/Olympus"),
      want: ['campaign.yaml:8:13 pacing.timezone: expected an IANA time zone like "Europe/London", got "Mars/Olympus"'],
    },
    {
      kind: "zone abbreviation without daylight saving",
      text: doc(...HEAD, ...STEPS, "pacing:", "  timezone: EST"),
      want: [
        'campaign.yaml:8:13 pacing.timezone: expected an IANA time zone like "Europe/London" ("EST" is a time-zone abbreviation, not an IANA zone: it does not follow daylight saving the way the place does, so windows would be an hour off part of the year; use "America/New_York"), got "EST"',
      ],
    },
    {
      kind: "pause in words",
      text: doc(...HEAD, ...STEPS, ...PACING, '  perAccount: {gap: "45 sec - 3 min"}'),
      want: ['campaign.yaml:9:21 pacing.perAccount.gap: expected a pause like "45s-3m" or "1m", got "45 sec - 3 min" — did you mean "45s-3m"?'],
    },
    {
      kind: "unknown encoding",
      text: doc("name: T", "leads: {file: leads.csv, idColumn: id, encoding: windows-1525}", "accounts: [acc1, acc2]", ...STEPS, ...PACING),
      want: ['campaign.yaml:2:50 leads.encoding: expected a character encoding like "windows-1252", "latin1" or "utf-16le", got "windows-1525"'],
    },
    {
      kind: "suppression mapping with a misspelt key",
      text: doc(...HEAD, ...STEPS, ...PACING, "suppression: {file: dnc.txt, craete: true}"),
      want: ['campaign.yaml:9:30 suppression.craete: unknown key "craete" — did you mean "create"?'],
    },
    {
      kind: "bad day range",
      text: doc(...HEAD, ...STEPS, ...PACING, "  days: mon-fry"),
      want: ['campaign.yaml:9:9 pacing.days: expected a day range like "mon-fri", got "mon-fry"'],
    },
    {
      kind: "bad day in a list",
      text: doc(...HEAD, ...STEPS, ...PACING, "  days: [Mon, thrusday]"),
      want: ['campaign.yaml:9:15 pacing.days[1]: expected a day name like mon or Monday, got "thrusday"'],
    },
    {
      kind: "bad regular expression",
      text: doc(...HEAD, ...STEPS, "  - id: yes", "    on: reply", '    match: "(yes"', "    template: thanks.hbs", ...PACING),
      want: ['campaign.yaml:9:12 steps[1].match: expected a valid regular expression (unterminated group), got "(yes"'],
    },
    {
      kind: "enum value, with a suggestion",
      text: doc(...HEAD, ...STEPS, ...PACING, "replies:", "  source: webhok"),
      want: ['campaign.yaml:10:11 replies.source: expected one of "events", "webhook", got "webhok" — did you mean "webhook"?'],
    },
    {
      kind: "duplicate step ids",
      text: doc(...HEAD, ...STEPS, "  - id: intro", "    template: nudge.hbs", "    after: 1d", ...PACING),
      want: ['campaign.yaml:7:9 steps[1].id: duplicate step id "intro", already used by steps[0]'],
    },
    {
      kind: "duplicate accounts",
      text: doc(HEAD[0] ?? "", HEAD[1] ?? "", "accounts: [acc1, acc2, acc1]", ...STEPS, ...PACING),
      want: ['campaign.yaml:3:24 accounts[2]: duplicate account "acc1", already listed as accounts[0]'],
    },
    {
      kind: "account id of the wrong form",
      text: doc(HEAD[0] ?? "", HEAD[1] ?? "", "accounts: [Acc-1]", ...STEPS, ...PACING),
      want: ['campaign.yaml:3:12 accounts[0]: expected an account link id of lowercase letters and digits, got "Acc-1"'],
    },
    {
      kind: "first step with after",
      text: doc(...HEAD, ...STEPS, "    after: 1d", ...PACING),
      want: ['campaign.yaml:7:5 steps[0].after: the first message is sent as soon as the window allows; remove "after" from the first sequence step'],
    },
    {
      kind: "follow-up without after",
      text: doc(...HEAD, ...STEPS, "  - id: nudge", "    template: nudge.hbs", ...PACING),
      want: ['campaign.yaml:7:5 steps[1].after: missing required key "after": a follow-up needs a delay after the previous step, like "after: 3d"'],
    },
    {
      kind: "first step is a reply step",
      text: doc(...HEAD, "steps:", "  - id: thanks", "    on: reply", "    template: thanks.hbs", ...PACING),
      want: ['campaign.yaml:6:5 steps[0].on: the first step must be a sequence step (the first message); move reply steps after it'],
    },
    {
      kind: "reply step with neither template nor actions",
      text: doc(...HEAD, ...STEPS, "  - id: thanks", "    on: reply", "    actions: {markDone: false, tags: []}", ...PACING),
      want: ["campaign.yaml:7:5 steps[1]: a reply step needs a template or at least one action (status, tags, assignTo, markDone: true)"],
    },
    {
      kind: "reply-step key on a step without on: reply",
      text: doc(...HEAD, ...STEPS, "  - id: thanks", "    delay: 10m", "    template: thanks.hbs", ...PACING),
      want: [
        'campaign.yaml:7:5 steps[1].after: missing required key "after": a follow-up needs a delay after the previous step, like "after: 3d"',
        'campaign.yaml:8:5 steps[1].delay: unknown key "delay": only a reply step has it',
      ],
    },
    {
      kind: "sequence-step key on a reply step",
      text: doc(...HEAD, ...STEPS, "  - id: thanks", "    on: reply", "    after: 1d", "    template: thanks.hbs", ...PACING),
      want: ['campaign.yaml:9:5 steps[1].after: unknown key "after": only a sequence step has it'],
    },
    {
      kind: "typo in a reply step, with a suggestion",
      text: doc(...HEAD, ...STEPS, "  - id: thanks", "    on: reply", "    dealy: 1h", "    template: thanks.hbs", ...PACING),
      want: ['campaign.yaml:9:5 steps[1].dealy: unknown key "dealy" — did you mean "delay"?'],
    },
    {
      kind: "wrong trigger",
      text: doc(...HEAD, ...STEPS, "  - id: thanks", "    on: replied", "    template: thanks.hbs", ...PACING),
      want: ['campaign.yaml:8:9 steps[1].on: expected "reply", got "replied"'],
    },
    {
      kind: "a step that is not a mapping",
      text: doc(...HEAD, ...STEPS, "  - nudge", ...PACING),
      want: [
        'campaign.yaml:7:5 steps[1]: expected a step mapping, like {id: intro, template: intro.hbs} or {id: thanks, on: reply, template: thanks.hbs}, got "nudge"',
      ],
    },
    {
      kind: "an empty section",
      text: doc(...HEAD, ...STEPS, "pacing:"),
      want: ["campaign.yaml:7:8 pacing: expected a mapping (key: value pairs), got an empty value"],
    },
    {
      kind: "an empty file",
      text: "",
      want: ["campaign.yaml:1:1: expected a mapping (key: value pairs), got an empty value"],
    },
    {
      kind: "webhook source without a webhook block",
      text: doc(...HEAD, ...STEPS, ...PACING, "replies:", "  source: webhook"),
      want: ['campaign.yaml:9:1 replies.webhook: missing required key "webhook": source: webhook needs at least webhook.port'],
    },
    {
      kind: "webhook block while polling events",
      text: doc(...HEAD, ...STEPS, ...PACING, "replies:", "  webhook: {port: 8787}"),
      want: ['campaign.yaml:10:3 replies.webhook: webhook settings only apply with "source: webhook"; set the source or remove the block'],
    },
    {
      kind: "webhook port out of range",
      text: doc(...HEAD, ...STEPS, ...PACING, "replies:", "  source: webhook", "  webhook: {port: 70000}"),
      want: ["campaign.yaml:11:19 replies.webhook.port: expected a port from 1 to 65535, got 70000"],
    },
    {
      kind: "perDay below perHour",
      text: doc(...HEAD, ...STEPS, ...PACING, "  perAccount: {perHour: 30, perDay: 10}"),
      want: ["campaign.yaml:9:37 pacing.perAccount.perDay: expected at least perHour (30), got 10"],
    },
    {
      kind: "perHour above the default perDay",
      text: doc(...HEAD, ...STEPS, ...PACING, "  perAccount: {perHour: 100}"),
      want: ["campaign.yaml:9:25 pacing.perAccount.perHour: expected at most perDay (80, the default), got 100; lower perHour or set perDay"],
    },
    {
      kind: "backwards gap",
      text: doc(...HEAD, ...STEPS, ...PACING, "  perAccount: {gap: 3m-45s}"),
      want: ['campaign.yaml:9:21 pacing.perAccount.gap: expected the shorter pause first, like "45s-3m", got "3m-45s"'],
    },
    {
      kind: "YAML syntax error (a mis-indented key)",
      text: doc(...HEAD, "steps:", "  - id: intro", "   template: intro.hbs", ...PACING),
      want: ["campaign.yaml:6:1: invalid YAML: sequence item without - indicator"],
    },
    {
      kind: "duplicate YAML key",
      text: doc(...HEAD, ...STEPS, ...PACING, "  timezone: UTC"),
      want: ["campaign.yaml:9:3: invalid YAML: map keys must be unique"],
    },
    {
      kind: "not a mapping",
      text: "- name: T\n",
      want: ["campaign.yaml:1:1: expected a mapping (key: value pairs), got a list"],
    },
    {
      kind: "missing template file",
      text: doc(...HEAD, "steps:", "  - id: intro", "    template: templates/nope.hbs", ...PACING),
      want: ["campaign.yaml:6:15 steps[0].template: template not found: templates/nope.hbs (paths are relative to the campaign file)"],
    },
    {
      kind: "missing CSV",
      text: doc(HEAD[0] ?? "", "leads:", "  file: nope.csv", "  idColumn: id", HEAD[2] ?? "", ...STEPS, ...PACING),
      want: ["campaign.yaml:3:9 leads.file: leads CSV not found: nope.csv (paths are relative to the campaign file)"],
    },
    {
      kind: "name without letters or digits, and no state path",
      text: doc("name: ¡¿!", ...HEAD.slice(1), ...STEPS, ...PACING),
      want: ['campaign.yaml:1:7 name: expected a name with letters a-z or digits (it names the state file), got "¡¿!"; or set "state:"'],
    },
  ])("$kind", async ({ text, want }) => {
    expect(await problemsOf(text)).toEqual(want);
  });
});
