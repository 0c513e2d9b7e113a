package io.gopherflux.errors;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The library's well-formed error: what happened, when (a UTC instant) and where (the stack
 * trace, kept out of the message, plus context key/values), a friendly one-line message for a
 * user that says whether retrying may help, and an ID that finds the full log entry.
 * <p>
 * Every failure the library raises itself is a subclass of this type; anything else that reaches
 * a module boundary is a raw exception and is treated as a bug there.
 */
public class GopherfluxException extends RuntimeException {

	private static final long serialVersionUID = 1L;
	private static final char[] ID_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();

	/** The ID of this occurrence. */
	private final String id;
	/** When it was created. */
	private final Instant time;
	/** The line for a user. */
	private final String userMessage;
	/** Whether retrying may help. */
	private final boolean retryable;
	/** Where and under what conditions it happened. */
	private final Map<String, Object> context;

	/**
	 * @param message     what happened, for operators and logs; never {@code null}
	 * @param userMessage one line a user can read, saying whether retrying may help
	 * @param retryable   whether the same request may succeed later
	 * @param context     key/values describing where it happened (copied, insertion order kept)
	 * @param cause       the lower-level error this one wraps, or {@code null}
	 */
	public GopherfluxException(String message, String userMessage, boolean retryable,
			Map<String, ?> context, Throwable cause) {
		super(Objects.requireNonNull(message, "message"), cause);
		this.userMessage = Objects.requireNonNull(userMessage, "userMessage");
		this.retryable = retryable;
		Objects.requireNonNull(context, "context");
		Map<String, Object> copy = new LinkedHashMap<>();
		context.forEach((k, v) -> copy.put(Objects.requireNonNull(k, "context key"), v));
		this.context = Collections.unmodifiableMap(copy);
		this.id = newId();
		this.time = Instant.now();
	}

	/** {@return a short random ID that names this occurrence in logs and in responses} */
	public String id() {
		return id;
	}

	/** {@return when the error was created, in UTC} */
	public Instant time() {
		return time;
	}

	/** {@return a friendly one-line message for the end user} */
	public String userMessage() {
		return userMessage;
	}

	/** {@return whether the same operation may succeed if tried again later} */
	public boolean retryable() {
		return retryable;
	}

	/** {@return key/values that say where and under what conditions the error happened} */
	public Map<String, Object> context() {
		return context;
	}

	/**
	 * A hash of the stack trace's frames (class, method, line), stable across occurrences of the
	 * same failure in the same build, so that log entries can be grouped by it.
	 *
	 * @return the hash, 16 hexadecimal digits
	 */
	public String stackHash() {
		long h = 0xcbf29ce484222325L;
		for (Throwable t = this; t != null; t = t.getCause()) {
			h = fnv(h, t.getClass().getName());
			for (StackTraceElement e : t.getStackTrace()) {
				h = fnv(h, e.getClassName());
				h = fnv(h, e.getMethodName());
				h = (h ^ e.getLineNumber()) * 0x100000001b3L;
			}
			if (t.getCause() == t) {
				break;
			}
		}
		return String.format("%016x", h);
	}

	private static long fnv(long h, String s) {
		for (int i = 0; i < s.length(); i++) {
			h = (h ^ s.charAt(i)) * 0x100000001b3L;
		}
		return h;
	}

	private static String newId() {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		char[] id = new char[12];
		for (int i = 0; i < id.length; i++) {
			id[i] = ID_ALPHABET[random.nextInt(ID_ALPHABET.length)];
		}
		return new String(id);
	}
}
