package io.gopherflux.server;

import io.gopherflux.server.internal.http.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;

import io.gopherflux.ratelimit.Limit;
import io.gopherflux.ratelimit.redis.FailurePolicy;
import io.gopherflux.ratelimit.redis.RedisRateLimiterConfig;
import io.gopherflux.server.internal.endpoints.PrimesEndpoint;
import io.gopherflux.server.http.CorsConfig;
import io.gopherflux.server.limit.AddressRange;
import io.gopherflux.server.limit.ConnectionLimits;
import io.gopherflux.server.limit.InMemoryClientLimiter;
import io.gopherflux.server.limit.Plan;
import io.gopherflux.server.limit.Plans;
import io.gopherflux.server.limit.Quota;

/**
 * Everything the server can be told at startup, validated when built.
 * <p>
 * {@link #parse(List, Map)} reads {@code --name=value} flags and {@code GOPHERFLUX_NAME}
 * environment variables (flags win): {@code port}, {@code host}, {@code plan.NAME} (quotas, e.g.
 * {@code per-second:10/1s,per-minute:100/1m}), {@code plan.NAME.stream-rate} (elements per second,
 * or {@code unlimited}), {@code plan.NAME.max-streams}, {@code plan.NAME.max-workers},
 * {@code default-plan}, {@code api-keys}
 * ({@code key:plan,...}), {@code trusted-proxies} (addresses or CIDR blocks), {@code redis-uri},
 * {@code redis-failure-policy} ({@code fail-open} or {@code fail-closed}), {@code drain-timeout},
 * {@code sse-keep-alive} and {@code max-clients}; for browsers, {@code sse-retry} and
 * {@code cors-origins} ({@code *} or origins separated by commas); for connections,
 * {@code header-read-timeout}, {@code idle-timeout} and {@code max-connections-per-address}.
 * Every bad value is reported, each with the option it came from.
 *
 * @param host               the address to bind
 * @param port               the port to bind; 0 for any free one
 * @param plans              the plans, API keys and default plan
 * @param trustedProxies     proxies whose {@code X-Forwarded-For} is believed
 * @param redisUri           the Redis of the distributed limiter, or null for the in-memory one
 * @param redisFailurePolicy what the distributed limiter does while Redis is down
 * @param drainTimeout       how long a shutdown lets open streams finish before cancelling them
 * @param sseKeepAlive       the interval of SSE comments on a stream that has nothing to send
 * @param maxClients         the most clients the in-memory limiter tracks at once
 * @param sseRetry           the reconnection delay every SSE stream tells a browser at its start
 * @param cors               the browser origins allowed to read responses across origins
 * @param connections        the timeouts and per-address cap of connections
 */
public record ServerConfig(String host, int port, Plans plans, List<AddressRange> trustedProxies, String redisUri,
		FailurePolicy redisFailurePolicy, Duration drainTimeout, Duration sseKeepAlive, int maxClients,
		Duration sseRetry, CorsConfig cors, ConnectionLimits connections) {

	/** The prefix of the environment variables. */
	public static final String ENV_PREFIX = "GOPHERFLUX_";

	/**
	 * Validates every component.
	 *
	 * @param host               the address to bind
	 * @param port               the port to bind, 0..65535; 0 for any free one
	 * @param plans              the plans, API keys and default plan
	 * @param trustedProxies     proxies whose {@code X-Forwarded-For} is believed
	 * @param redisUri           the Redis of the distributed limiter, or null for the in-memory one
	 * @param redisFailurePolicy what the distributed limiter does while Redis is down
	 * @param drainTimeout       how long a shutdown lets open streams finish; not negative
	 * @param sseKeepAlive       the interval of SSE comments on an idle stream; at least 100 ms
	 * @param maxClients         the most clients the in-memory limiter tracks at once; at least 1
	 * @param sseRetry           the reconnection delay told to browsers; from 100 ms to 1 h
	 * @param cors               the browser origins allowed to read responses across origins
	 * @param connections        the timeouts and per-address cap of connections
	 * @throws IllegalArgumentException naming the bad field
	 * @throws NullPointerException     naming a missing component other than {@code redisUri}
	 */
	public ServerConfig {
		Objects.requireNonNull(host, "host");
		Objects.requireNonNull(plans, "plans");
		trustedProxies = List.copyOf(Objects.requireNonNull(trustedProxies, "trustedProxies"));
		Objects.requireNonNull(redisFailurePolicy, "redisFailurePolicy");
		Objects.requireNonNull(drainTimeout, "drainTimeout");
		Objects.requireNonNull(sseKeepAlive, "sseKeepAlive");
		if (port < 0 || port > 65_535) {
			throw new IllegalArgumentException("port must be 0..65535, was " + port);
		}
		if (drainTimeout.isNegative()) {
			throw new IllegalArgumentException("drain timeout must not be negative, was " + drainTimeout);
		}
		if (sseKeepAlive.toMillis() < 100) {
			throw new IllegalArgumentException("SSE keep-alive must be at least 100ms, was " + Durations.format(sseKeepAlive));
		}
		if (maxClients < 1) {
			throw new IllegalArgumentException("max clients must be at least 1, was " + maxClients);
		}
		if (redisUri != null) {
			RedisRateLimiterConfig.of(redisUri);
		}
		Objects.requireNonNull(sseRetry, "sseRetry");
		Objects.requireNonNull(cors, "cors");
		if (sseRetry.toMillis() < 100 || sseRetry.compareTo(MAX_SSE_RETRY) > 0) {
			throw new IllegalArgumentException("SSE retry must be from 100ms to 1h, was " + Durations.format(sseRetry));
		}
		Objects.requireNonNull(connections, "connections");
	}

	/**
	 * A configuration with the {@linkplain ConnectionLimits#defaults() default connection limits}.
	 *
	 * @param host               the address to bind
	 * @param port               the port to bind, 0..65535; 0 for any free one
	 * @param plans              the plans, API keys and default plan
	 * @param trustedProxies     proxies whose {@code X-Forwarded-For} is believed
	 * @param redisUri           the Redis of the distributed limiter, or null for the in-memory one
	 * @param redisFailurePolicy what the distributed limiter does while Redis is down
	 * @param drainTimeout       how long a shutdown lets open streams finish; not negative
	 * @param sseKeepAlive       the interval of SSE comments on an idle stream; at least 100 ms
	 * @param maxClients         the most clients the in-memory limiter tracks at once; at least 1
	 * @param sseRetry           the reconnection delay told to browsers; from 100 ms to 1 h
	 * @param cors               the browser origins allowed to read responses across origins
	 * @throws IllegalArgumentException naming the bad field
	 */
	public ServerConfig(String host, int port, Plans plans, List<AddressRange> trustedProxies, String redisUri,
			FailurePolicy redisFailurePolicy, Duration drainTimeout, Duration sseKeepAlive, int maxClients,
			Duration sseRetry, CorsConfig cors) {
		this(host, port, plans, trustedProxies, redisUri, redisFailurePolicy, drainTimeout, sseKeepAlive, maxClients,
				sseRetry, cors, ConnectionLimits.defaults());
	}

	/** The longest reconnection delay an SSE stream may announce. */
	static final Duration MAX_SSE_RETRY = Duration.ofHours(1);

	/**
	 * Port 8080 on every interface, the default plans, in-memory limiting, 10 s drain, 15 s
	 * keep-alive, 3 s SSE retry, no cross-origin access, the default connection limits.
	 *
	 * @return the default configuration
	 */
	public static ServerConfig defaults() {
		return new ServerConfig("0.0.0.0", 8080, Plans.defaults(), List.of(), null, FailurePolicy.FAIL_OPEN,
				Duration.ofSeconds(10), Duration.ofSeconds(15), InMemoryClientLimiter.DEFAULT_MAX_CLIENTS,
				Duration.ofSeconds(3), CorsConfig.none(), ConnectionLimits.defaults());
	}

	/**
	 * The same configuration on another port.
	 *
	 * @param port the port to bind; 0 for any free one
	 * @return a copy with {@code port} changed
	 */
	public ServerConfig withPort(int port) {
		return new ServerConfig(host, port, plans, trustedProxies, redisUri, redisFailurePolicy, drainTimeout,
				sseKeepAlive, maxClients, sseRetry, cors, connections);
	}

	/**
	 * The same configuration with other plans.
	 *
	 * @param plans the plans, API keys and default plan
	 * @return a copy with {@code plans} changed
	 */
	public ServerConfig withPlans(Plans plans) {
		return new ServerConfig(host, port, plans, trustedProxies, redisUri, redisFailurePolicy, drainTimeout,
				sseKeepAlive, maxClients, sseRetry, cors, connections);
	}

	/**
	 * The same configuration with other trusted proxies.
	 *
	 * @param trustedProxies proxies whose {@code X-Forwarded-For} is believed
	 * @return a copy with {@code trustedProxies} changed
	 */
	public ServerConfig withTrustedProxies(List<AddressRange> trustedProxies) {
		return new ServerConfig(host, port, plans, trustedProxies, redisUri, redisFailurePolicy, drainTimeout,
				sseKeepAlive, maxClients, sseRetry, cors, connections);
	}

	/**
	 * The same configuration limiting through Redis at {@code redisUri} (null: in memory).
	 *
	 * @param redisUri the Redis of the distributed limiter, or null for the in-memory one
	 * @param policy   what the distributed limiter does while Redis is down
	 * @return a copy with {@code redisUri} and {@code redisFailurePolicy} changed
	 */
	public ServerConfig withRedis(String redisUri, FailurePolicy policy) {
		return new ServerConfig(host, port, plans, trustedProxies, redisUri, policy, drainTimeout, sseKeepAlive,
				maxClients, sseRetry, cors, connections);
	}

	/**
	 * The same configuration with another drain timeout.
	 *
	 * @param drainTimeout how long a shutdown lets open streams finish; not negative
	 * @return a copy with {@code drainTimeout} changed
	 */
	public ServerConfig withDrainTimeout(Duration drainTimeout) {
		return new ServerConfig(host, port, plans, trustedProxies, redisUri, redisFailurePolicy, drainTimeout,
				sseKeepAlive, maxClients, sseRetry, cors, connections);
	}

	/**
	 * The same configuration with another SSE keep-alive interval.
	 *
	 * @param sseKeepAlive the interval of SSE comments on an idle stream; at least 100 ms
	 * @return a copy with {@code sseKeepAlive} changed
	 */
	public ServerConfig withSseKeepAlive(Duration sseKeepAlive) {
		return new ServerConfig(host, port, plans, trustedProxies, redisUri, redisFailurePolicy, drainTimeout,
				sseKeepAlive, maxClients, sseRetry, cors, connections);
	}

	/**
	 * The same configuration with another SSE reconnection delay.
	 *
	 * @param sseRetry the reconnection delay told to browsers; from 100 ms to 1 h
	 * @return a copy with {@code sseRetry} changed
	 */
	public ServerConfig withSseRetry(Duration sseRetry) {
		return new ServerConfig(host, port, plans, trustedProxies, redisUri, redisFailurePolicy, drainTimeout,
				sseKeepAlive, maxClients, sseRetry, cors, connections);
	}

	/**
	 * The same configuration allowing other origins.
	 *
	 * @param cors the browser origins allowed to read responses across origins
	 * @return a copy with {@code cors} changed
	 */
	public ServerConfig withCors(CorsConfig cors) {
		return new ServerConfig(host, port, plans, trustedProxies, redisUri, redisFailurePolicy, drainTimeout,
				sseKeepAlive, maxClients, sseRetry, cors, connections);
	}

	/**
	 * The same configuration with other connection limits.
	 *
	 * @param connections the timeouts and per-address cap of connections
	 * @return a copy with {@code connections} changed
	 */
	public ServerConfig withConnections(ConnectionLimits connections) {
		return new ServerConfig(host, port, plans, trustedProxies, redisUri, redisFailurePolicy, drainTimeout,
				sseKeepAlive, maxClients, sseRetry, cors, connections);
	}

	/**
	 * Reads flags and environment over the {@linkplain #defaults() defaults}.
	 *
	 * @param args the command line, each {@code --name=value}
	 * @param env  the environment (only {@code GOPHERFLUX_*} variables are read)
	 * @return the configuration the options describe
	 * @throws IllegalArgumentException listing every bad option, one per line, each named
	 */
	public static ServerConfig parse(List<String> args, Map<String, String> env) {
		Objects.requireNonNull(args, "args");
		Objects.requireNonNull(env, "env");
		Map<String, String> options = new TreeMap<>();
		Map<String, String> sources = new LinkedHashMap<>();
		List<String> errors = new ArrayList<>();
		env.forEach((name, value) -> {
			if (name.startsWith(ENV_PREFIX)) {
				String option = optionOfEnv(name.substring(ENV_PREFIX.length()));
				options.put(option, value);
				sources.put(option, "environment variable " + name);
			}
		});
		for (String arg : args) {
			if (!arg.startsWith("--") || arg.indexOf('=') < 3) {
				errors.add("argument '" + arg + "': options are written --name=value");
				continue;
			}
			String option = arg.substring(2, arg.indexOf('='));
			options.put(option, arg.substring(arg.indexOf('=') + 1));
			sources.put(option, "flag --" + option);
		}
		Reader reader = new Reader(options, sources, errors);
		ServerConfig defaults = defaults();
		String host = reader.take("host", s -> s, defaults.host);
		int port = reader.take("port", s -> intIn(s, 0, 65_535), defaults.port);
		Map<String, Plan> plans = new LinkedHashMap<>(defaults.plans.plans());
		for (String option : List.copyOf(options.keySet())) {
			if (option.startsWith("plan.") && option.indexOf('.', 5) < 0) {
				String name = option.substring(5);
				List<Quota> quotas = reader.take(option, ServerConfig::quotas, null);
				if (quotas != null) {
					Plan base = plans.getOrDefault(name, Plan.free());
					putPlan(plans, name, reader, option, () -> new Plan(name, quotas, base.streamRate(), base.maxStreams(),
							base.maxWorkers()));
				}
			}
		}
		for (String option : List.copyOf(options.keySet())) {
			if (!option.startsWith("plan.") || option.indexOf('.', 5) < 0) {
				continue;
			}
			String name = option.substring(5, option.indexOf('.', 5));
			String setting = option.substring(option.indexOf('.', 5) + 1);
			Plan plan = plans.get(name);
			if (plan == null) {
				reader.fail(option, "there is no plan '" + name + "'; define it with plan." + name + "=<quotas>");
				options.remove(option);
				continue;
			}
			switch (setting) {
				case "stream-rate" -> {
					Limit rate = reader.take(option, ServerConfig::rate, null);
					if (rate != null) {
						putPlan(plans, name, reader, option, () -> plan.withStreamRate(rate));
					}
				}
				case "max-streams" -> {
					Integer max = reader.take(option, s -> intIn(s, 1, 1_000_000), null);
					if (max != null) {
						putPlan(plans, name, reader, option, () -> plan.withMaxStreams(max));
					}
				}
				case "max-workers" -> {
					Integer max = reader.take(option, s -> intIn(s, 1, PrimesEndpoint.MAX_WORKERS), null);
					if (max != null) {
						putPlan(plans, name, reader, option, () -> plan.withMaxWorkers(max));
					}
				}
				default -> {
					reader.fail(option, "plans have the settings stream-rate, max-streams and max-workers");
					options.remove(option);
				}
			}
		}
		String defaultPlan = reader.take("default-plan", s -> s, defaults.plans.defaultPlan());
		if (!plans.containsKey(defaultPlan)) {
			reader.fail("default-plan", "there is no plan '" + defaultPlan + "'; the plans are " + plans.keySet());
		}
		Map<String, String> apiKeys = reader.take("api-keys", ServerConfig::apiKeys, Map.of());
		for (String plan : new TreeSet<>(apiKeys.values())) {
			if (!plans.containsKey(plan)) {
				reader.fail("api-keys", "an API key is on plan '" + plan + "', which is not one of the plans " + plans.keySet());
			}
		}
		List<AddressRange> proxies = reader.take("trusted-proxies", ServerConfig::ranges, List.of());
		String redisUri = reader.take("redis-uri", s -> {
			String uri = s.trim();
			if (uri.isEmpty()) {
				return null;
			}
			if (!uri.contains("://") && uri.contains(",")) {
				// A bare list of seed nodes (host:port,host:port) names a Redis Cluster.
				uri = "redis-cluster://" + uri;
			}
			RedisRateLimiterConfig.of(uri);
			return uri;
		}, null);
		FailurePolicy policy = reader.take("redis-failure-policy", ServerConfig::policy, defaults.redisFailurePolicy);
		Duration drain = reader.take("drain-timeout", Durations::parse, defaults.drainTimeout);
		Duration keepAlive = reader.take("sse-keep-alive", s -> {
			Duration interval = Durations.parse(s);
			if (interval.toMillis() < 100) {
				throw new IllegalArgumentException("must be at least 100ms, was " + Durations.format(interval));
			}
			return interval;
		}, defaults.sseKeepAlive);
		int maxClients = reader.take("max-clients", s -> intIn(s, 1, 100_000_000), defaults.maxClients);
		Duration sseRetry = reader.take("sse-retry", s -> {
			Duration delay = Durations.parse(s);
			if (delay.toMillis() < 100 || delay.compareTo(MAX_SSE_RETRY) > 0) {
				throw new IllegalArgumentException("must be from 100ms to 1h, was " + Durations.format(delay));
			}
			return delay;
		}, defaults.sseRetry);
		CorsConfig cors = reader.take("cors-origins", CorsConfig::parse, defaults.cors);
		ConnectionLimits connections = connectionLimits(reader, defaults.connections);
		for (String unknown : options.keySet()) {
			errors.add(sources.get(unknown) + ": unknown option; see README.md for the options");
		}
		Plans allPlans = null;
		if (errors.isEmpty()) {
			try {
				allPlans = new Plans(plans, defaultPlan, apiKeys);
			}
			catch (IllegalArgumentException e) {
				errors.add("plans: " + e.getMessage());
			}
		}
		if (errors.isEmpty()) {
			try {
				return new ServerConfig(host, port, allPlans, proxies, redisUri, policy, drain, keepAlive, maxClients,
						sseRetry, cors, connections);
			}
			catch (IllegalArgumentException e) {
				errors.add(e.getMessage());
			}
		}
		throw new IllegalArgumentException("bad configuration:\n  " + String.join("\n  ", errors));
	}

	private static ConnectionLimits connectionLimits(Reader reader, ConnectionLimits defaults) {
		Duration headerRead = reader.take("header-read-timeout", ServerConfig::connectionTimeout, defaults.headerReadTimeout());
		Duration idle = reader.take("idle-timeout", ServerConfig::connectionTimeout, defaults.idleTimeout());
		int perAddress = reader.take("max-connections-per-address", s -> intIn(s, 1, 1_000_000),
				defaults.maxConnectionsPerAddress());
		return new ConnectionLimits(headerRead, idle, perAddress);
	}

	private static Duration connectionTimeout(String text) {
		Duration timeout = Durations.parse(text);
		if (timeout.compareTo(ConnectionLimits.MIN_TIMEOUT) < 0) {
			throw new IllegalArgumentException("must be at least " + Durations.format(ConnectionLimits.MIN_TIMEOUT)
					+ ", was " + Durations.format(timeout));
		}
		return timeout;
	}

	private static void putPlan(Map<String, Plan> plans, String name, Reader reader, String option, Supplier<Plan> build) {
		try {
			plans.put(name, build.get());
		}
		catch (IllegalArgumentException e) {
			reader.fail(option, e.getMessage());
		}
	}

	/** {@code plan.free.stream-rate} for {@code PLAN_FREE_STREAM_RATE}, {@code redis-uri} for {@code REDIS_URI}. */
	static String optionOfEnv(String name) {
		String lower = name.toLowerCase(Locale.ROOT);
		if (lower.startsWith("plan_")) {
			String rest = lower.substring(5);
			for (String setting : List.of("stream_rate", "max_streams", "max_workers")) {
				if (rest.endsWith("_" + setting)) {
					return "plan." + rest.substring(0, rest.length() - setting.length() - 1) + "." + setting.replace('_', '-');
				}
			}
			return "plan." + rest;
		}
		return lower.replace('_', '-');
	}

	private static int intIn(String text, int min, int max) {
		try {
			int value = Integer.parseInt(text.trim());
			if (value >= min && value <= max) {
				return value;
			}
		}
		catch (NumberFormatException e) {
			// reported below
		}
		throw new IllegalArgumentException("must be a whole number from " + min + " to " + max + ", was '" + text + "'");
	}

	private static List<Quota> quotas(String text) {
		List<Quota> quotas = new ArrayList<>();
		for (String spec : text.split(",")) {
			quotas.add(Quota.parse(spec));
		}
		return quotas;
	}

	private static Limit rate(String text) {
		if (text.trim().equalsIgnoreCase("unlimited")) {
			return Limit.INF;
		}
		try {
			double rate = Double.parseDouble(text.trim());
			if (rate > 0 && !Double.isInfinite(rate)) {
				return Limit.of(rate);
			}
		}
		catch (NumberFormatException e) {
			// reported below
		}
		throw new IllegalArgumentException("must be a positive number of elements per second or 'unlimited', was '" + text + "'");
	}

	private static Map<String, String> apiKeys(String text) {
		Map<String, String> keys = new LinkedHashMap<>();
		for (String pair : text.split(",")) {
			int colon = pair.lastIndexOf(':');
			if (colon < 1 || colon == pair.length() - 1) {
				throw new IllegalArgumentException("must be key:plan pairs separated by commas");
			}
			keys.put(pair.substring(0, colon).trim(), pair.substring(colon + 1).trim());
		}
		return keys;
	}

	private static List<AddressRange> ranges(String text) {
		List<AddressRange> ranges = new ArrayList<>();
		for (String cidr : text.split(",")) {
			if (!cidr.isBlank()) {
				ranges.add(AddressRange.parse(cidr));
			}
		}
		return ranges;
	}

	private static FailurePolicy policy(String text) {
		return switch (text.trim().toLowerCase(Locale.ROOT)) {
			case "fail-open" -> FailurePolicy.FAIL_OPEN;
			case "fail-closed" -> FailurePolicy.FAIL_CLOSED;
			default -> throw new IllegalArgumentException("must be fail-open or fail-closed, was '" + text + "'");
		};
	}

	/** Takes options out of the map, recording each failure with the option's source. */
	private record Reader(Map<String, String> options, Map<String, String> sources, List<String> errors) {

		<T> T take(String option, Function<String, T> parse, T otherwise) {
			String value = options.remove(option);
			if (value == null) {
				return otherwise;
			}
			try {
				return parse.apply(value);
			}
			catch (IllegalArgumentException e) {
				errors.add(sources.get(option) + ": " + e.getMessage());
				return otherwise;
			}
		}

		void fail(String option, String message) {
			errors.add(sources.getOrDefault(option, option) + ": " + message);
		}
	}
}
