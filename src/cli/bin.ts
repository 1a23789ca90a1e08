#!/usr/bin/env node
// The executable: everything else is importable without side effects.
import { main } from "./main.js";
import { watchOutput } from "./output.js";

watchOutput();

const code = await main(process.argv);
// Exit explicitly once output is flushed: a command is over when main() returns, even if a
// library left a timer or keep-alive socket behind.
process.stdout.write("", () => process.stderr.write("", () => process.exit(code)));
