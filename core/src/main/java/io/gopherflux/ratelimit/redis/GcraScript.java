package io.gopherflux.ratelimit.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The two Lua scripts that keep GCRA buckets in Redis, and their SHA-1 digests for EVALSHA.
 * <p>
 * A bucket's whole state is its theoretical arrival time (TAT), as in
 * {@link io.gopherflux.ratelimit.TokenBucket}: one string key per tier holding the TAT in
 * microseconds since {@value #EPOCH_SECONDS} (2025-01-01T00:00Z) on Redis's own clock
 * ({@code TIME}), so that instances whose clocks disagree still share one timeline. The key expires
 * exactly when the bucket would be full again; an absent key is a full bucket, so an idle client
 * costs nothing. Times are Lua doubles: counted from a recent epoch they keep a resolution of
 * 1/64 µs for the next few years and 1/8 µs for thirty, and they are written back with 17
 * significant digits so nothing is lost between calls.
 */
final class GcraScript {

	/** The origin of the scripts' microseconds: recent, so that a double keeps sub-microsecond resolution. */
	static final long EPOCH_SECONDS = 1_735_689_600L;

	/**
	 * Reserves {@code permits} on every tier, or on none: all-or-nothing, in one call.
	 * <p>
	 * KEYS: the tiers' keys. ARGV[1]: permits; ARGV[2]: the longest wait allowed, in µs; then per
	 * tier its interval and tolerance (interval times burst), in µs.
	 * Returns {@code {granted (1|0), seconds, microseconds, TAT per tier...}}: Redis's {@code TIME}
	 * as it answered, and per tier the TAT written (granted), or the value found, unchanged
	 * ({@code ""} if none; refused). The caller computes from these, with the same double
	 * arithmetic, the time and the wait the script used ({@link Budget#parse}), so that the script
	 * formats no number but the TATs it writes: formatting a double is the costliest thing it does
	 * after its Redis calls, and this runs once per decision.
	 */
	static final GcraScript RESERVE = new GcraScript("""
			if redis.replicate_commands then redis.replicate_commands() end
			local t = redis.call('TIME')
			local now = (tonumber(t[1]) - %d) * 1000000 + tonumber(t[2])
			local permits = tonumber(ARGV[1])
			local wait = 0
			local found = {}
			local tats = {}
			for i = 1, #KEYS do
			  local stored = redis.call('GET', KEYS[i])
			  local tat = stored and tonumber(stored) or now
			  if tat < now then tat = now end
			  local next_tat = tat + permits * tonumber(ARGV[1 + 2 * i])
			  local w = next_tat - tonumber(ARGV[2 + 2 * i]) - now
			  if w > wait then wait = w end
			  found[i] = stored or ''
			  tats[i] = next_tat
			end
			if wait > tonumber(ARGV[2]) then
			  local refused = {0, t[1], t[2]}
			  for i = 1, #KEYS do
			    refused[3 + i] = found[i]
			  end
			  return refused
			end
			local granted = {1, t[1], t[2]}
			for i = 1, #KEYS do
			  local tat = string.format('%%.17g', tats[i])
			  redis.call('SET', KEYS[i], tat, 'PX', math.ceil((tats[i] - now) / 1000))
			  granted[3 + i] = tat
			end
			return granted
			""".formatted(EPOCH_SECONDS));

	/**
	 * Gives back a reservation's tokens with x/time/rate's rule, as
	 * {@link io.gopherflux.ratelimit.Reservation#cancel()} says: per tier, the reserved tokens minus
	 * those later reservations already count on; nothing once the time to act has passed unless
	 * ARGV[2] is 1 (the holder never acted).
	 * <p>
	 * KEYS: the tiers' keys. ARGV[1]: the time to act, in µs; ARGV[2]: 1 to give back even if due;
	 * ARGV[3]: permits; then per tier its interval and the TAT right after the reservation.
	 * Returns the tokens the first tier got back.
	 */
	static final GcraScript GIVE_BACK = new GcraScript("""
			if redis.replicate_commands then redis.replicate_commands() end
			local t = redis.call('TIME')
			local now = (tonumber(t[1]) - %d) * 1000000 + tonumber(t[2])
			if ARGV[2] ~= '1' and tonumber(ARGV[1]) < now then
			  return '0'
			end
			local permits = tonumber(ARGV[3])
			local first = 0
			for i = 1, #KEYS do
			  local interval = tonumber(ARGV[2 + 2 * i])
			  local reserved_tat = tonumber(ARGV[3 + 2 * i])
			  local stored = redis.call('GET', KEYS[i])
			  if stored then
			    local current = tonumber(stored)
			    local restore = permits * interval - math.max(0, current - reserved_tat)
			    if restore > 0 then
			      local from = math.max(current, now)
			      local next_tat = math.max(from - restore, now)
			      if next_tat > now then
			        redis.call('SET', KEYS[i], string.format('%%.17g', next_tat), 'PX', math.ceil((next_tat - now) / 1000))
			      else
			        redis.call('DEL', KEYS[i])
			      end
			      if i == 1 then first = (from - next_tat) / interval end
			    end
			  end
			end
			return string.format('%%.17g', first)
			""".formatted(EPOCH_SECONDS));

	final String text;
	final String sha1;

	private GcraScript(String text) {
		this.text = text;
		this.sha1 = sha1(text);
	}

	private static String sha1(String text) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException("every Java platform has SHA-1", e);
		}
	}
}
