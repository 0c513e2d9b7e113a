package io.gopherflux.ratelimit.redis;

import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import io.lettuce.core.RedisCommandExecutionException;

/**
 * What a failed script call says: that Redis is down ({@link #OUTAGE}: no connection, no answer in
 * time, a cluster without a master for the slot, a node loading or busy), or only that this call
 * could not run ({@link #CALL}: an error its own keys or arguments caused, which a healthy Redis
 * gives too). Only outages count towards {@link RedisAvailability}'s threshold, so that a client
 * whose key meets an error, or a slot being migrated, cannot make the limiter unavailable for
 * everybody; either kind leaves that one call to the failure policy.
 */
enum FailureKind {

	OUTAGE, CALL;

	/**
	 * Error replies a call's own keys or arguments cause: keys of two slots, a key holding another
	 * type, a slot being migrated (retried first, see {@link ScriptRunner}), a script error.
	 */
	private static final Set<String> CALL_ERRORS = Set.of("CROSSSLOT", "WRONGTYPE", "TRYAGAIN");

	static FailureKind of(Throwable failure) {
		Throwable e = unwrap(failure);
		if (!(e instanceof RedisCommandExecutionException) || e.getMessage() == null) {
			// No answer, or an answer Lettuce could not take (connection, timeout, redirects, partitions).
			return OUTAGE;
		}
		String message = e.getMessage();
		int space = message.indexOf(' ');
		String code = space < 0 ? message : message.substring(0, space);
		if (CALL_ERRORS.contains(code) || isScriptError(message)) {
			return CALL;
		}
		// CLUSTERDOWN, MASTERDOWN, LOADING, BUSY, READONLY, OOM, NOAUTH, MOVED past the redirect limit...
		return OUTAGE;
	}

	/** Redis 7 ({@code ERR user_script:...}) and older ({@code ERR Error running script ...}). */
	private static boolean isScriptError(String message) {
		return message.startsWith("ERR user_script:") || message.startsWith("ERR Error running script");
	}

	static Throwable unwrap(Throwable e) {
		while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
			e = e.getCause();
		}
		return e;
	}
}
