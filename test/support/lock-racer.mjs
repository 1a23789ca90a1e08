// A run racing for a state lock, for test/unit/state/lock.test.ts: waits until the shared start
// instant (epoch ms), tries the lock, holds it for `holdMs` and prints ACQUIRED or REFUSED.
// Usage: node lock-racer.mjs <dist lock.js> <state file> <start at> <hold ms>
const [lockModule, stateFile, startAt, holdMs] = process.argv.slice(2);
const { acquireLock } = await import(lockModule);
await new Promise((r) => setTimeout(r, Math.max(0, Number(startAt) - Date.now())));
try {
  const lock = await acquireLock(stateFile, { now: Date.now() });
  process.stdout.write("ACQUIRED\n");
  await new Promise((r) => setTimeout(r, Number(holdMs)));
  await lock.release();
} catch {
  process.stdout.write("REFUSED\n");
}
