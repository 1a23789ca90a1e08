/**
 * The starter campaign `outreach init` writes: small, commented, and working as is — `--dry-run`
 * and `--sandbox` accept it without an edit. Going live needs two edits the comments point at:
 * the real account link ids (`outreach accounts`) and the real leads.
 */

/** Relative path → content. `schemaRef` is where the editor finds the JSON Schema (an absolute path of the installed package). */
export function starterFiles(schemaRef: string | undefined, command: string): Record<string, string> {
  return {
    "campaign.yaml": campaignYaml(schemaRef, command),
    "leads.csv": LEADS_CSV,
    "suppression.txt": SUPPRESSION,
    "templates/intro.hbs": INTRO,
    "templates/nudge.hbs": NUDGE,
    "templates/thank-you.hbs": THANK_YOU,
  };
}

function campaignYaml(schemaRef: string | undefined, command: string): string {
  return `${schemaRef ? `# yaml-language-server: $schema=${schemaRef}\n#\n` : ""}# A starter campaign: an intro, a nudge 3 days later to those who did not reply, and a thank-you on reply.
#   Rehearse (no account, no network):  ${command} run campaign.yaml --sandbox
#   Preview every message:              ${command} run campaign.yaml --dry-run
#   Go live: put your account link ids below (${command} accounts lists them), your leads in leads.csv,
#   export INBOX_API_TOKEN=…, then:     ${command} run campaign.yaml
# Every setting, with comments: campaigns/example.yaml in the inbox-outreach repository.

name: My first campaign

leads:
  file: leads.csv                  # relative to this file
  idColumn: x_user_id              # the lead's X user id, digits only (not the @handle)
  usernameColumn: username         # optional

suppression: suppression.txt       # do-not-contact list; opt-out replies are appended

accounts:                          # sender account link ids: run \`${command} accounts\` to list yours
  - replacewithyouraccount01       # placeholders: fine for --dry-run and --sandbox, not for a live run

steps:
  - id: intro
    template: templates/intro.hbs
  - id: nudge
    template: templates/nudge.hbs
    after: 3d                      # only to leads who have not replied by then
  - id: thank-you
    on: reply                      # once, on a lead's first reply
    delay: 10m
    template: templates/thank-you.hbs
    actions: { status: Interested, tags: [replied] }

pacing:
  timezone: America/New_York       # the sending window's IANA zone
  days: mon-fri
  hours: "09:00-17:00"
  perAccount: { perHour: 20, perDay: 80, gap: 45s-3m }

replies:
  source: events                   # polls the Events API: no public URL needed
  pollEvery: 30s
  keepOpenFor: 7d                  # how long a lead stays open for replies after its last step
`;
}

// Fictional leads: ids that are no real X account.
const LEADS_CSV = `x_user_id,username,first_name,company
1900000000000000001,ada_example_test,Ada,Example Labs
1900000000000000002,ben_sample_test,Ben,Sample & Co
1900000000000000003,cleo_demo_test,Cleo,Demo Works
1900000000000000004,dev_fixture_test,Dev,
1900000000000000005,eli_placeholder_test,Eli,Placeholder Inc
`;

const SUPPRESSION = `# Do-not-contact list: one X user id per line; "#" starts a comment.
# Opt-out replies ("stop", "unsubscribe", …) are appended here, so no later campaign contacts them.
`;

const INTRO = `{{!-- The first DM. Every CSV column is a variable; an empty one is an error unless it has a fallback. --}}
Hi {{first_name}} — quick one: I've been following what you're building at {{default company "your company"}}, and I'd value 10 minutes of your take.

Would next week work?
`;

const NUDGE = `{{!-- Sent 3 days after the intro, only if there was no reply. --}}
{{spin "Hi" "Hey"}} {{first_name}}, {{#spin}}bumping this in case it got buried|floating this back up{{/spin}}. No worries if the timing's off.
`;

const THANK_YOU = `{{!-- Sent in the same thread after the lead's first reply. --}}
Thanks, {{first_name}}! I'll send over a couple of times that work.
`;
