import { createHash } from 'node:crypto';
import type { RedisCommands, ScriptCall } from '../redis-connection';

/** A Lua script and its SHA1. */
export interface LuaScript {
  source: string;
  sha: string;
}

/**
 * A script with its SHA1 computed here rather than taken from SCRIPT LOAD:
 * EVALSHA works without a load round trip, on any node, and a node that lacks
 * the script (a new primary after failover, a restarted or never-loaded
 * cluster node) answers NOSCRIPT, which `runScript` answers with EVAL.
 */
export function luaScript(source: string): LuaScript {
  return { source, sha: createHash('sha1').update(source).digest('hex') };
}

/**
 * EVALSHA the script (one round trip); where the node does not have it
 * (NOSCRIPT), EVAL its source, which also caches it there. `guard` bounds each
 * command and maps failures to the caller's errors; it must let NOSCRIPT through.
 */
export async function runScript(
  commands: RedisCommands,
  script: LuaScript,
  call: ScriptCall,
  guard: <T>(command: Promise<T>) => Promise<T>,
): Promise<unknown> {
  try {
    return await guard(commands.evalSha(script.sha, call));
  } catch (err) {
    if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
    return await guard(commands.eval(script.source, call));
  }
}
