/**
 * Lua scripts of the Redis store: each lifecycle step that reads and writes is
 * one script, so it is atomic and costs one round trip. No script ever creates
 * a key except `upsert` on a missing key, and every key it writes gets a TTL.
 *
 * Hash fields are short on purpose (Redis memory per OTP); the mapping lives
 * in ../redis-fields.ts. Every script that returns a record answers
 * {status, HGETALL, PTTL}.
 */

// Locked: out of attempts without a success, or out of sends.
const IS_LOCKED = `
local function is_locked(key)
  local v = redis.call('HMGET', key, 'a', 'ma', 'g', 'mg', 'cl')
  return (v[5] ~= '1' and tonumber(v[1]) >= tonumber(v[2])) or tonumber(v[3]) >= tonumber(v[4])
end
local function answer(status, key)
  return {status, redis.call('HGETALL', key), redis.call('PTTL', key)}
end
`;

/**
 * KEYS[1] record; ARGV[1] ttl ms; ARGV[2] / ARGV[3] max attempts asked for ('' = keep the
 * record's, or ARGV[4] on a new record); ARGV[4] / ARGV[5] the defaults; ARGV[6..] field/value pairs.
 * A regeneration that would leave no attempt (a code nobody could verify) is refused as locked.
 */
export const UPSERT = `${IS_LOCKED}
local key = KEYS[1]
if redis.call('EXISTS', key) == 1 then
  local ma = ARGV[2] ~= '' and ARGV[2] or redis.call('HGET', key, 'ma')
  if is_locked(key) or tonumber(redis.call('HGET', key, 'a')) >= tonumber(ma) then return answer('locked', key) end
  -- Optional fields are stored only when set (memory per OTP): clear the old ones first.
  redis.call('HDEL', key, 'to', 'cd', 'ad', 'x', 'm')
  redis.call('HSET', key, unpack(ARGV, 6))
  if ARGV[2] ~= '' then redis.call('HSET', key, 'ma', ARGV[2]) end
  if ARGV[3] ~= '' then redis.call('HSET', key, 'mg', ARGV[3]) end
  redis.call('HSET', key, 'cl', '0')
  redis.call('HINCRBY', key, 'g', 1)
  redis.call('PEXPIRE', key, ARGV[1])
  return answer('regenerated', key)
end
redis.call('HSET', key, unpack(ARGV, 6))
redis.call('HSET', key, 'a', 0, 'g', 1, 'cl', '0', 'ma', ARGV[2] ~= '' and ARGV[2] or ARGV[4], 'mg', ARGV[3] ~= '' and ARGV[3] or ARGV[5])
redis.call('PEXPIRE', key, ARGV[1])
return answer('created', key)
`;

/** KEYS[1] record; ARGV[1] digest of the candidate code; ARGV[2] '1' to keep the record. */
export const VERIFY = `${IS_LOCKED}
local key = KEYS[1]
if redis.call('EXISTS', key) == 0 then return {'not_found'} end
local v = redis.call('HMGET', key, 'h', 'a', 'ma', 'cl')
local matches = v[1] == ARGV[1]
if not (v[4] == '1' and matches) then
  if tonumber(v[2]) >= tonumber(v[3]) then return answer('locked', key) end
  redis.call('HINCRBY', key, 'a', 1)
  if not matches then return answer('incorrect', key) end
end
redis.call('HSET', key, 'cl', '1')
local result = answer('verified', key)
if ARGV[2] ~= '1' then redis.call('DEL', key) end
return result
`;

/** KEYS[1] record. */
export const GET = `${IS_LOCKED}
if redis.call('EXISTS', KEYS[1]) == 0 then return {'not_found'} end
return answer('found', KEYS[1])
`;

/** KEYS[1] record: read it, and delete it when closed. */
export const TAKE_IF_CLOSED = `${IS_LOCKED}
local key = KEYS[1]
if redis.call('EXISTS', key) == 0 then return {'not_found'} end
local result = answer('found', key)
if redis.call('HGET', key, 'cl') == '1' then redis.call('DEL', key) end
return result
`;

/** KEYS[1] record; ARGV[1] the (sealed) address. HSET on an existing key keeps its TTL. */
export const SET_ADDRESS = `${IS_LOCKED}
local key = KEYS[1]
if redis.call('EXISTS', key) == 0 then return {'not_found'} end
local to = redis.call('HGET', key, 'to')
if to and to ~= '' then return answer('address_already_set', key) end
redis.call('HSET', key, 'to', ARGV[1])
return answer('updated', key)
`;

/** KEYS[1] record: count one more send of the same code; a record without an address is refused before counting. */
export const RESEND = `${IS_LOCKED}
local key = KEYS[1]
if redis.call('EXISTS', key) == 0 then return {'not_found'} end
if redis.call('HGET', key, 'cl') == '1' then return answer('closed', key) end
if is_locked(key) then return answer('locked', key) end
local to = redis.call('HGET', key, 'to')
if not to or to == '' then return answer('no_address', key) end
redis.call('HINCRBY', key, 'g', 1)
return answer('resend', key)
`;

/** KEYS[1] record; ARGV[1] the provider that accepted the last message. HSET on an existing key keeps its TTL. */
export const RECORD_DELIVERY = `
if redis.call('EXISTS', KEYS[1]) == 0 then return {'not_found'} end
redis.call('HSET', KEYS[1], 'dv', ARGV[1])
return {'updated'}
`;

/**
 * KEYS: the counters of one send (one hash tag, so one slot); ARGV[1] window ms; ARGV[2..] their limits.
 * All or none: a counter at its limit refuses before anything is counted, answering
 * {index (1-based), PTTL}; otherwise every counter is incremented and {0, counts…} answered.
 * A counter's first count starts its window; a key found without a TTL gets one (never kept for ever).
 */
export const COUNT_SENDS = `
local window = tonumber(ARGV[1])
for i = 1, #KEYS do
  local count = tonumber(redis.call('GET', KEYS[i]) or '0')
  if count >= tonumber(ARGV[i + 1]) then
    local ttl = redis.call('PTTL', KEYS[i])
    if ttl < 0 then
      redis.call('PEXPIRE', KEYS[i], window)
      ttl = window
    end
    return {i, ttl}
  end
end
local reply = {0}
for i = 1, #KEYS do
  local count = redis.call('INCR', KEYS[i])
  if count == 1 or redis.call('PTTL', KEYS[i]) < 0 then redis.call('PEXPIRE', KEYS[i], window) end
  reply[i + 1] = count
end
return reply
`;
