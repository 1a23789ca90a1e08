/**
 * `outreach accounts`: the team's account links — id, X username and status — which is what
 * `accounts:` in campaign.yaml needs. One read of GET /account-links (retried on transient errors).
 */
import { Command } from "commander";
import { listTeamAccountLinks } from "../../platform/account-links.js";
import { paint } from "../report/style.js";

export function accountsCommand(): Command {
  return new Command("accounts")
    .description("list the team's account links (id, username, status) to fill accounts: in campaign.yaml")
    .option("--json", "print them as one JSON array")
    .action(async (flags: { json?: boolean }) => {
      const links = await listTeamAccountLinks(process.env, (_level, message) => process.stderr.write(`warning ${message}\n`));
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(links.map((l) => ({ id: l.id, username: l.username, name: l.name, status: l.status })), null, 2)}\n`);
        return;
      }
      const s = paint(process.stdout);
      if (links.length === 0) {
        process.stdout.write("The team has no account links yet: connect an X account in Inbox first.\n");
        return;
      }
      const idWidth = Math.max(2, ...links.map((l) => l.id.length));
      const userWidth = Math.max(8, ...links.map((l) => l.username.length + 1));
      const lines = [
        s.dim(`${"id".padEnd(idWidth)}  ${"username".padEnd(userWidth)}  status`),
        ...links.map((l) => `${l.id.padEnd(idWidth)}  ${`@${l.username}`.padEnd(userWidth)}  ${l.status === "active" ? s.green(l.status) : s.yellow(l.status)}`),
        "",
        "In campaign.yaml (active ones only can send):",
        "accounts:",
        ...links.filter((l) => l.status === "active").map((l) => `  - ${l.id}   # @${l.username}`),
      ];
      process.stdout.write(`${lines.join("\n")}\n`);
    });
}
