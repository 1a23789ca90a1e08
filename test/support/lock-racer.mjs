// A run racing for a state lock, for test/unit/state/lock.test.ts: waits until the shared start
// instant (epoch ms), tries the lock and prints ACQUIRED or REFUSED; a holder keeps the lock until
// the file `releaseWhen` exists (the test creates it once every racer has answered), then releases.
// Usage: node lock-racer.mjs <dist lock.js> <state file> <start at> <release-when file>
import { existsSync } from "node:fs";

const [lockModule, stateFile, startAt, releaseWhen] = process.argv.slice(2);
const { acquireLock } = await import(lockModule);
await new Promise((r) => setTimeout(r, Math.max(0, Number(startAt) - Date.now())));
let lock;
try {
  lock = await acquireLock(stateFile, { now: Date.now() });
} catch {
  process.stdout.write("REFUSED\n");
  process.exit(0);
}
process.stdout.write("ACQUIRED\n");
while (!existsSync(releaseWhen)) await new Promise((r) => setTimeout(r, 20));
await lock.release();
