#!/usr/bin/env node
// The executable: everything else is importable without side effects.
import { main } from "./main.js";
import { guardSecrets, watchOutput } from "./output.js";
import { secretValues } from "../secrets.js";

watchOutput();
// `outreach sandbox` prints its own (invented) token by design and holds no real secret.
if (process.argv[2] !== "sandbox") guardSecrets(secretValues());

const code = await main(process.argv);
// Exit explicitly once output is flushed: a command is over when main() returns, even if a
// library left a timer or keep-alive socket behind.
process.stdout.write("", () => process.stderr.write("", () => process.exit(code)));
