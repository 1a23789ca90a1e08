/**
 * The Lua scripts that keep the team's Inbox API quota in Redis. Each runs atomically on the Redis
 * server, so every runner of the team sees one log and one queue, with no lock of our own.
 *
 * The data, all under one hash-tagged prefix (`outreach:{<team id>}:`, so a Redis Cluster keeps them
 * in one slot):
 *   log    sorted set: one member per request; score = the instant its response arrived (ms on the
 *          Redis server's clock), or, while it is in flight, its start + a lease (so a runner that dies
 *          mid-request frees the slot once the lease and a window have passed). This is the exact
 *          sliding-window log: a start is allowed while fewer than `limit` members lie within
 *          `windowMs + margin` of now, for every window at once (reference.md §4: 300/min,
 *          10,000/hour, 100,000/day, sliding, per team).
 *   queue  sorted set of the runners waiting for a start: score = priority·1e13 + the instant they
 *          began waiting. A start is granted only while the room left exceeds the runners ahead in
 *          it (better priority, or the same priority and waiting longer): a reply step of one campaign
 *          goes before an intro of another, and equal priorities take turns (a fair split).
 *   alive  sorted set of the waiting runners' lease expiries: a runner that stops polling (killed)
 *          leaves the queue when its lease runs out, freeing its turn.
 *   hold   string: the instant (ms) before which no runner may start (a 429's Retry-After, or the
 *          server's headers showing usage the log does not hold).
 *   learned  hash: limit → "span:expiry" for each stricter window a runner learned from the server's
 *          headers (schedule/learned-quota.ts); every runner's start is checked against it too, and an
 *          entry lapses at its expiry unless a runner that still sees the server report it renews it.
 *   epoch  string, set once: its absence means Redis lost the team's data (restarted empty).
 *   seeded:<runner>  string: this runner has put its own requests back since the data was last lost;
 *          a runner without it is refused starts ('reseed') until it has, so no start is ever granted on
 *          a log that lacks the asking runner's own recent requests.
 *
 * Time: the scripts read the Redis server's clock (`TIME`) unless a caller passes `now` (tests with a
 * simulated clock), so runners on machines whose clocks disagree still share one timeline. Scores
 * are whole milliseconds below 1e14, which Lua 5.1 prints exactly ("%.14g").
 */

/** Reads ARGV[1] as the current time, or the server's clock when empty. */
const CLOCK = `
local function clock(arg)
  if arg ~= nil and arg ~= '' then return tonumber(arg) end
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
`;

/**
 * KEYS: log, queue, alive, hold, learned, seeded:<runner>. ARGV: now|'', runner id, member, priority
 * 0..9, in-flight lease ms, alive lease ms, windows as "limit:spanMs,…" (span = window + margin + 1).
 * Returns {granted 0|1, wait ms, now, reason ('ok'|'hold'|'quota'|'turn'|'reseed'), room}.
 */
export const ACQUIRE = `${CLOCK}
local now = clock(ARGV[1])
if redis.call('EXISTS', KEYS[6]) == 0 then return {0, 0, now, 'reseed', 0} end
local runner = ARGV[2]
local prio = tonumber(ARGV[4])
local dead = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now, 'LIMIT', 0, 100)
if #dead > 0 then
  redis.call('ZREM', KEYS[3], unpack(dead))
  redis.call('ZREM', KEYS[2], unpack(dead))
end
redis.call('ZADD', KEYS[3], now + tonumber(ARGV[6]), runner)
local rank = prio * 1e13 + now
local mine = redis.call('ZSCORE', KEYS[2], runner)
if mine and math.floor(tonumber(mine) / 1e13) == prio then
  rank = tonumber(mine)
else
  redis.call('ZADD', KEYS[2], rank, runner)
end
local hold = tonumber(redis.call('GET', KEYS[4]) or '0')
if hold > now then return {0, hold - now, now, 'hold', 0} end
local specs = {}
local maxSpan = 0
for limit, span in string.gmatch(ARGV[7], '(%d+):(%d+)') do
  limit = tonumber(limit)
  span = tonumber(span)
  if span > maxSpan then maxSpan = span end
  specs[#specs + 1] = {limit, span}
end
local learned = redis.call('HGETALL', KEYS[5])
for i = 1, #learned, 2 do
  local span, expiry = string.match(learned[i + 1], '(%d+):(%d+)')
  if tonumber(expiry) <= now then
    redis.call('HDEL', KEYS[5], learned[i])
  else
    specs[#specs + 1] = {tonumber(learned[i]), tonumber(span)}
    if tonumber(span) > maxSpan then maxSpan = tonumber(span) end
  end
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - maxSpan)
local room = nil
local wait = 0
for _, s in ipairs(specs) do
  local from = '(' .. (now - s[2])
  local used = redis.call('ZCOUNT', KEYS[1], from, '+inf')
  local free = s[1] - used
  if room == nil or free < room then room = free end
  if free <= 0 then
    local e = redis.call('ZRANGEBYSCORE', KEYS[1], from, '+inf', 'WITHSCORES', 'LIMIT', used - s[1], 1)
    local at = tonumber(e[2]) + s[2]
    if at - now > wait then wait = at - now end
  end
end
if room == nil then room = 1 end
if room <= 0 then return {0, math.max(1, wait), now, 'quota', room} end
local ahead = redis.call('ZCOUNT', KEYS[2], '-inf', '(' .. rank)
if ahead >= room then return {0, 0, now, 'turn', room} end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[5]), ARGV[3])
redis.call('ZREM', KEYS[2], runner)
redis.call('PEXPIRE', KEYS[1], maxSpan + tonumber(ARGV[5]))
redis.call('PEXPIRE', KEYS[6], maxSpan + tonumber(ARGV[5]))
return {1, 0, now, 'ok', room - 1}
`;

/** KEYS: log. ARGV: now|'', member. Moves a request's score to its response instant. Returns now. */
export const COMPLETE = `${CLOCK}
local now = clock(ARGV[1])
redis.call('ZADD', KEYS[1], 'XX', now, ARGV[2])
return now
`;

/** KEYS: hold. ARGV: now|'', until (ms). Extends the team-wide hold (never shortens it). Returns {hold, now}. */
export const HOLD = `${CLOCK}
local now = clock(ARGV[1])
local upto = tonumber(ARGV[2])
local hold = tonumber(redis.call('GET', KEYS[1]) or '0')
if upto > hold and upto > now then
  redis.call('SET', KEYS[1], upto, 'PX', upto - now + 1000)
  hold = upto
end
return {hold, now}
`;

/**
 * KEYS: log, hold. ARGV: now|'', limit, remaining, reset (ms), window ms, at (ms: when the response
 * arrived). The server's headers (X-RateLimit-Limit/Remaining/Reset) against the log: when the server
 * counted more requests than the log holds for that window, someone outside the log (another tool of
 * the team) spends the quota, so every runner holds until the reset. The log is counted as of `at`,
 * not of now (the script runs a little later, when older entries may have left the window), and with
 * the window widened by ARGV[7] ms for the time between the server's count and our receipt.
 * Returns 1 when it placed a hold.
 */
export const OBSERVE = `${CLOCK}
local now = clock(ARGV[1])
local at = tonumber(ARGV[6])
local used = redis.call('ZCOUNT', KEYS[1], '(' .. (at - tonumber(ARGV[5]) - tonumber(ARGV[7])), '+inf')
local serverUsed = tonumber(ARGV[2]) - tonumber(ARGV[3])
local reset = tonumber(ARGV[4])
if serverUsed > used and reset > now then
  local hold = tonumber(redis.call('GET', KEYS[2]) or '0')
  if reset > hold then redis.call('SET', KEYS[2], reset, 'PX', reset - now + 1000) end
  return 1
end
return 0
`;

/** KEYS: queue, alive. ARGV: runner id. The runner has nothing waiting: it leaves the queue. */
export const LEAVE = `
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
return 1
`;

/**
 * KEYS: learned. ARGV: now|'', limit, span ms (window + margin + 1), keep ms. A stricter window learned
 * from the server, for every runner of the team: kept `keep` ms from now (renewed by each call), and
 * narrowed to the shortest span any runner learned for that limit while it lives. Returns the span kept.
 */
export const LEARN = `${CLOCK}
local now = clock(ARGV[1])
local span = tonumber(ARGV[3])
local old = redis.call('HGET', KEYS[1], ARGV[2])
if old then
  local oldSpan, expiry = string.match(old, '(%d+):(%d+)')
  if tonumber(expiry) > now and tonumber(oldSpan) < span then span = tonumber(oldSpan) end
end
redis.call('HSET', KEYS[1], ARGV[2], span .. ':' .. (now + tonumber(ARGV[4])))
return span
`;

/**
 * KEYS: log, hold, epoch, seeded:<runner>. ARGV: now|'', hold until (ms, 0 = none), grace ms, keep ms,
 * then score, member pairs. A runner puts back what it knows after a (re)connection: its own requests
 * and its hold (ZADD GT: a later score already there, an in-flight lease, is kept), and marks itself
 * seeded for `keep` ms. When the epoch key is gone, Redis lost its data (restarted empty): the whole team
 * then holds for `grace` ms, long enough for every live runner to reconnect and put its own requests back
 * before anyone starts on a log that lacks them (a runner that has not is refused starts: see ACQUIRE).
 * Returns {now, 1 if the data had been lost}.
 */
export const RESEED = `${CLOCK}
local now = clock(ARGV[1])
local function extend(upto)
  local hold = tonumber(redis.call('GET', KEYS[2]) or '0')
  if upto > hold and upto > now then redis.call('SET', KEYS[2], upto, 'PX', upto - now + 1000) end
end
local lost = 0
if redis.call('SET', KEYS[3], now, 'NX') then
  lost = 1
  if tonumber(ARGV[3]) > 0 then extend(now + tonumber(ARGV[3])) end
end
extend(tonumber(ARGV[2]))
for i = 5, #ARGV, 2 do
  redis.call('ZADD', KEYS[1], 'GT', ARGV[i], ARGV[i + 1])
end
redis.call('SET', KEYS[4], now, 'PX', ARGV[4])
return {now, lost}
`;

/**
 * KEYS: claim key. ARGV: owner ("<campaign id>|<campaign name>"), ttl ms. Claims a lead for one campaign
 * team-wide (SET NX). Returns the owner now holding the claim: ours when it equals ARGV[1].
 */
export const CLAIM = `
local ok = redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2])
if ok then return ARGV[1] end
local owner = redis.call('GET', KEYS[1])
if owner == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return owner
`;
