package io.gopherflux.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.gopherflux.ratelimit.Limit;
import io.gopherflux.ratelimit.redis.FailurePolicy;
import io.gopherflux.server.http.CorsConfig;
import io.gopherflux.server.limit.AddressRange;
import io.gopherflux.server.limit.ConnectionLimits;
import io.gopherflux.server.limit.InMemoryClientLimiter;
import io.gopherflux.server.limit.Plan;
import io.gopherflux.server.limit.Plans;
import io.gopherflux.server.limit.Quota;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServerConfigTest {

	static ServerConfig flags(String... args) {
		return ServerConfig.parse(List.of(args), Map.of());
	}

	static ServerConfig env(Map<String, String> env) {
		return ServerConfig.parse(List.of(), env);
	}

	/** The message of the failure to parse, which must list every problem. */
	static String failure(List<String> args, Map<String, String> env) {
		Throwable thrown = null;
		try {
			ServerConfig.parse(args, env);
		}
		catch (IllegalArgumentException e) {
			thrown = e;
		}
		assertThat(thrown).as("parse(%s, %s) should fail", args, env).isNotNull();
		assertThat(thrown.getMessage()).startsWith("bad configuration:\n  ");
		return thrown.getMessage();
	}

	static String failure(String... args) {
		return failure(List.of(args), Map.of());
	}

	@Test
	void nullArgumentsAreRefusedByName() {
		assertThatNullPointerException().isThrownBy(() -> ServerConfig.parse(null, Map.of())).withMessage("args");
		assertThatNullPointerException().isThrownBy(() -> ServerConfig.parse(List.of(), null)).withMessage("env");
	}

	@Test
	void nothingGivenMeansTheDefaults() {
		ServerConfig config = ServerConfig.parse(List.of(), Map.of("PATH", "/usr/bin", "HOME", "/root"));

		assertThat(config).isEqualTo(ServerConfig.defaults());
		assertThat(config.host()).isEqualTo("0.0.0.0");
		assertThat(config.port()).isEqualTo(8080);
		assertThat(config.plans()).isEqualTo(Plans.defaults());
		assertThat(config.trustedProxies()).isEmpty();
		assertThat(config.redisUri()).isNull();
		assertThat(config.redisFailurePolicy()).isEqualTo(FailurePolicy.FAIL_OPEN);
		assertThat(config.drainTimeout()).isEqualTo(Duration.ofSeconds(10));
		assertThat(config.sseKeepAlive()).isEqualTo(Duration.ofSeconds(15));
		assertThat(config.maxClients()).isEqualTo(InMemoryClientLimiter.DEFAULT_MAX_CLIENTS);
		assertThat(config.connections()).isEqualTo(ConnectionLimits.defaults());
		assertThat(config.plans().plans().get("free").maxWorkers()).isEqualTo(4);
		assertThat(config.plans().plans().get("paid").maxWorkers()).isEqualTo(16);
	}

	@Test
	void theConnectionLimitsAndAPlansWorkersAreReadFromFlagsAndTheEnvironment() {
		ServerConfig config = ServerConfig.parse(List.of("--header-read-timeout=2s", "--plan.free.max-workers=1"),
				Map.of("GOPHERFLUX_IDLE_TIMEOUT", "500ms", "GOPHERFLUX_MAX_CONNECTIONS_PER_ADDRESS", "16",
						"GOPHERFLUX_PLAN_PAID_MAX_WORKERS", "64"));

		assertThat(config.connections()).isEqualTo(new ConnectionLimits(Duration.ofSeconds(2), Duration.ofMillis(500), 16));
		assertThat(config.plans().plans().get("free")).isEqualTo(Plan.free().withMaxWorkers(1));
		assertThat(config.plans().plans().get("paid").maxWorkers()).isEqualTo(64);
	}

	@Test
	void badConnectionLimitsAndWorkersAreReportedNamingTheirSources() {
		String message = failure("--header-read-timeout=5ms", "--idle-timeout=never", "--max-connections-per-address=0",
				"--plan.free.max-workers=65", "--plan.paid.max-workers=0");

		assertThat(message.lines().skip(1).toList()).hasSize(5);
		assertThat(message)
				.contains("flag --header-read-timeout: must be at least 10ms, was 5ms")
				.contains("flag --idle-timeout: a duration is a whole number")
				.contains("flag --max-connections-per-address: must be a whole number from 1 to 1000000, was '0'")
				.contains("flag --plan.free.max-workers: must be a whole number from 1 to 64, was '65'")
				.contains("flag --plan.paid.max-workers: must be a whole number from 1 to 64, was '0'");
	}

	@Test
	void everyFlagIsRead() {
		ServerConfig config = flags("--host=127.0.0.1", "--port=9090", "--plan.free=per-second:5/1s",
				"--plan.free.stream-rate=50", "--plan.paid.max-streams=8", "--default-plan=paid",
				"--api-keys=k1:paid, k2:free", "--trusted-proxies=10.0.0.0/8, ::1", "--redis-uri=redis://localhost:6379/2",
				"--redis-failure-policy=fail-closed", "--drain-timeout=30s", "--sse-keep-alive=500ms", "--max-clients=10");

		assertThat(config.host()).isEqualTo("127.0.0.1");
		assertThat(config.port()).isEqualTo(9090);
		Plan free = config.plans().plans().get("free");
		assertThat(free.quotas()).containsExactly(Quota.parse("per-second:5/1s"));
		assertThat(free.streamRate()).isEqualTo(Limit.of(50));
		assertThat(free.maxStreams()).isEqualTo(Plan.free().maxStreams());
		assertThat(config.plans().plans().get("paid")).isEqualTo(Plan.paid().withMaxStreams(8));
		assertThat(config.plans().defaultPlan()).isEqualTo("paid");
		assertThat(config.plans().apiKeys()).isEqualTo(Map.of("k1", "paid", "k2", "free"));
		assertThat(config.trustedProxies()).containsExactly(AddressRange.parse("10.0.0.0/8"), AddressRange.parse("::1"));
		assertThat(config.redisUri()).isEqualTo("redis://localhost:6379/2");
		assertThat(config.redisFailurePolicy()).isEqualTo(FailurePolicy.FAIL_CLOSED);
		assertThat(config.drainTimeout()).isEqualTo(Duration.ofSeconds(30));
		assertThat(config.sseKeepAlive()).isEqualTo(Duration.ofMillis(500));
		assertThat(config.maxClients()).isEqualTo(10);
	}

	@Test
	void valuesAreTrimmedAndCaseIsForgivenWhereItCannotMislead() {
		ServerConfig config = flags("--port= 8081 ", "--redis-failure-policy=FAIL-OPEN", "--plan.free.stream-rate=Unlimited",
				"--drain-timeout= 0ms ", "--redis-uri=  ");

		assertThat(config.port()).isEqualTo(8081);
		assertThat(config.redisFailurePolicy()).isEqualTo(FailurePolicy.FAIL_OPEN);
		assertThat(config.plans().plans().get("free").streamRate()).isEqualTo(Limit.INF);
		assertThat(config.drainTimeout()).isZero();
		assertThat(config.redisUri()).isNull();
	}

	@Test
	void portZeroAndTheHighestPortAreFine() {
		assertThat(flags("--port=0").port()).isZero();
		assertThat(flags("--port=65535").port()).isEqualTo(65_535);
	}

	@Test
	void theEnvironmentIsReadToo() {
		ServerConfig config = env(Map.ofEntries(
				Map.entry("GOPHERFLUX_PORT", "9000"),
				Map.entry("GOPHERFLUX_HOST", "::"),
				Map.entry("GOPHERFLUX_PLAN_FREE", "per-second:1/1s,per-hour:50/1h"),
				Map.entry("GOPHERFLUX_PLAN_FREE_STREAM_RATE", "5"),
				Map.entry("GOPHERFLUX_PLAN_PAID_MAX_STREAMS", "2"),
				Map.entry("GOPHERFLUX_API_KEYS", "k:paid"),
				Map.entry("GOPHERFLUX_DEFAULT_PLAN", "free"),
				Map.entry("GOPHERFLUX_TRUSTED_PROXIES", "192.168.0.0/16"),
				Map.entry("GOPHERFLUX_REDIS_URI", "redis://cache:6380"),
				Map.entry("GOPHERFLUX_REDIS_FAILURE_POLICY", "fail-closed"),
				Map.entry("GOPHERFLUX_DRAIN_TIMEOUT", "1m"),
				Map.entry("GOPHERFLUX_SSE_KEEP_ALIVE", "2s"),
				Map.entry("GOPHERFLUX_MAX_CLIENTS", "500"),
				Map.entry("JAVA_HOME", "/usr/lib/jvm")));

		assertThat(config.port()).isEqualTo(9000);
		assertThat(config.host()).isEqualTo("::");
		Plan free = config.plans().plans().get("free");
		assertThat(free.quotas()).containsExactly(Quota.parse("per-second:1/1s"), Quota.parse("per-hour:50/1h"));
		assertThat(free.streamRate()).isEqualTo(Limit.of(5));
		assertThat(config.plans().plans().get("paid").maxStreams()).isEqualTo(2);
		assertThat(config.plans().planFor("k")).isEqualTo(config.plans().plans().get("paid"));
		assertThat(config.trustedProxies()).containsExactly(AddressRange.parse("192.168.0.0/16"));
		assertThat(config.redisUri()).isEqualTo("redis://cache:6380");
		assertThat(config.redisFailurePolicy()).isEqualTo(FailurePolicy.FAIL_CLOSED);
		assertThat(config.drainTimeout()).isEqualTo(Duration.ofMinutes(1));
		assertThat(config.sseKeepAlive()).isEqualTo(Duration.ofSeconds(2));
		assertThat(config.maxClients()).isEqualTo(500);
	}

	@Test
	void flagsWinOverTheEnvironment() {
		ServerConfig config = ServerConfig.parse(List.of("--port=9001", "--plan.free.stream-rate=7"),
				Map.of("GOPHERFLUX_PORT", "9000", "GOPHERFLUX_PLAN_FREE_STREAM_RATE", "5", "GOPHERFLUX_MAX_CLIENTS", "42"));

		assertThat(config.port()).isEqualTo(9001);
		assertThat(config.plans().plans().get("free").streamRate()).isEqualTo(Limit.of(7));
		assertThat(config.maxClients()).isEqualTo(42);
	}

	@Test
	void aBadFlagOverridingAGoodVariableIsReportedAsTheFlag() {
		String message = failure(List.of("--port=x"), Map.of("GOPHERFLUX_PORT", "9000"));

		assertThat(message).contains("flag --port:").doesNotContain("GOPHERFLUX_PORT");
	}

	@ParameterizedTest
	@CsvSource({"PORT, port", "REDIS_URI, redis-uri", "SSE_KEEP_ALIVE, sse-keep-alive", "PLAN_FREE, plan.free",
			"PLAN_FREE_STREAM_RATE, plan.free.stream-rate", "PLAN_GOLD_MAX_STREAMS, plan.gold.max-streams",
			"PLAN_GOLD_MAX_WORKERS, plan.gold.max-workers", "HEADER_READ_TIMEOUT, header-read-timeout",
			"MAX_CONNECTIONS_PER_ADDRESS, max-connections-per-address",
			"PLAN_BIG2, plan.big2"})
	void variablesNameTheirOptions(String variable, String option) {
		assertThat(ServerConfig.optionOfEnv(variable)).isEqualTo(option);
	}

	@Test
	void aNewPlanIsDefinedByItsQuotasAndStartsFromTheFreePlansLimits() {
		ServerConfig config = flags("--plan.gold=per-second:1000/1s,per-minute:10000/1m", "--plan.gold.max-streams=50",
				"--api-keys=vip:gold");

		Plan gold = config.plans().plans().get("gold");
		assertThat(gold.quotas()).containsExactly(Quota.parse("per-second:1000/1s"), Quota.parse("per-minute:10000/1m"));
		assertThat(gold.streamRate()).isEqualTo(Plan.free().streamRate());
		assertThat(gold.maxStreams()).isEqualTo(50);
		assertThat(config.plans().planFor("vip")).isEqualTo(gold);
		assertThat(config.plans().planFor(null)).isEqualTo(Plan.free());
	}

	@Test
	void aNewPlanCanComeFromTheEnvironmentAndBeTheDefault() {
		ServerConfig config = env(Map.of("GOPHERFLUX_PLAN_TRIAL", "per-minute:5/1m",
				"GOPHERFLUX_PLAN_TRIAL_STREAM_RATE", "unlimited", "GOPHERFLUX_DEFAULT_PLAN", "trial"));

		Plan trial = config.plans().plans().get("trial");
		assertThat(trial.quotas()).containsExactly(Quota.parse("per-minute:5/1m"));
		assertThat(trial.streamRate()).isEqualTo(Limit.INF);
		assertThat(config.plans().planFor(null)).isEqualTo(trial);
	}

	@Test
	void redefiningABuiltInPlanKeepsItsOtherLimits() {
		Plan paid = flags("--plan.paid=per-second:1/1s").plans().plans().get("paid");

		assertThat(paid).isEqualTo(Plan.paid().withQuotas(List.of(Quota.parse("per-second:1/1s"))));
	}

	@Test
	void everyBadValueIsReportedTogetherEachNamingItsSource() {
		List<String> args = List.of("--port=abc", "--plan.free=nonsense", "--plan.paid.stream-rate=-1",
				"--plan.paid.max-streams=0", "--drain-timeout=forever", "--max-clients=0", "--redis-failure-policy=maybe",
				"--trusted-proxies=10.0.0.0/8,example.com", "--redis-uri=localhost:6379", "--api-keys=justakey");
		Map<String, String> env = Map.of("GOPHERFLUX_SSE_KEEP_ALIVE", "soon", "GOPHERFLUX_HOST_NAME", "x");

		String message = failure(args, env);

		assertThat(message.lines().skip(1).toList()).hasSize(12);
		assertThat(message)
				.contains("flag --port: must be a whole number from 0 to 65535, was 'abc'")
				.contains("flag --plan.free: a quota is name:count/window")
				.contains("flag --plan.paid.stream-rate: must be a positive number of elements per second or 'unlimited', was '-1'")
				.contains("flag --plan.paid.max-streams: must be a whole number from 1 to 1000000, was '0'")
				.contains("flag --drain-timeout: a duration is a whole number")
				.contains("flag --max-clients: must be a whole number from 1 to 100000000, was '0'")
				.contains("flag --redis-failure-policy: must be fail-open or fail-closed, was 'maybe'")
				.contains("flag --trusted-proxies: not an IP address or CIDR block: 'example.com'")
				.contains("flag --redis-uri: redisUri is not a Redis URI")
				.contains("flag --api-keys: must be key:plan pairs")
				.contains("environment variable GOPHERFLUX_SSE_KEEP_ALIVE: a duration is a whole number")
				.contains("environment variable GOPHERFLUX_HOST_NAME: unknown option");
	}

	@Test
	void checksAcrossOptionsAreReportedWithTheOthersNamingTheirSources() {
		String message = failure("--port=abc", "--default-plan=platinum", "--api-keys=k1:gold", "--sse-keep-alive=50ms");

		assertThat(message.lines().skip(1).toList()).hasSize(4);
		assertThat(message)
				.contains("flag --port:")
				.contains("flag --default-plan:").contains("'platinum'")
				.contains("flag --api-keys:").contains("'gold'")
				.contains("flag --sse-keep-alive:").contains("100ms");
	}

	@Test
	void anUnknownDefaultPlanNamesItsVariable() {
		String message = failure(List.of(), Map.of("GOPHERFLUX_DEFAULT_PLAN", "platinum"));

		assertThat(message).contains("environment variable GOPHERFLUX_DEFAULT_PLAN:").contains("'platinum'")
				.contains("free").contains("paid");
	}

	@Test
	void anApiKeyIsNotRepeatedInAnError() {
		String message = failure("--api-keys=s3cr3t-key:gold");

		assertThat(message).contains("flag --api-keys:").contains("'gold'").doesNotContain("s3cr3t-key");
	}

	@Test
	void aRedisClusterIsNamedByItsSchemeOrByAListOfSeedNodes() {
		assertThat(flags("--redis-uri=redis-cluster://10.0.0.1:7000,10.0.0.2:7000").redisUri())
				.isEqualTo("redis-cluster://10.0.0.1:7000,10.0.0.2:7000");
		assertThat(flags("--redis-uri= 10.0.0.1:7000,10.0.0.2:7000 ").redisUri())
				.isEqualTo("redis-cluster://10.0.0.1:7000,10.0.0.2:7000");
		assertThat(failure("--redis-uri=redis://10.0.0.1:7000,10.0.0.2:7000")).contains("flag --redis-uri:")
				.contains("redis-cluster://");
	}

	@Test
	void aRedisPasswordIsNotRepeatedInAnError() {
		String message = failure("--redis-uri=redis://:hunter2@cache:notaport");

		assertThat(message).contains("flag --redis-uri:").doesNotContain("hunter2");
	}

	@Test
	void anUnknownOptionIsRefusedNamingIt() {
		assertThat(failure("--prot=8080")).contains("flag --prot: unknown option");
		assertThat(failure(List.of(), Map.of("GOPHERFLUX_PROT", "8080")))
				.contains("environment variable GOPHERFLUX_PROT: unknown option");
	}

	@ParameterizedTest
	@ValueSource(strings = {"port=8080", "--port", "-p=8080", "--=8080", "8080"})
	void anArgumentNotWrittenAsAFlagIsRefusedQuotingIt(String arg) {
		assertThat(failure(arg)).contains("argument '" + arg + "': options are written --name=value");
	}

	@Test
	void aSettingOfAPlanThatDoesNotExistIsRefused() {
		assertThat(failure("--plan.gold.max-streams=3"))
				.contains("flag --plan.gold.max-streams: there is no plan 'gold'; define it with plan.gold=<quotas>");
	}

	@Test
	void anUnknownPlanSettingIsRefused() {
		assertThat(failure("--plan.free.colour=red")).contains("flag --plan.free.colour: plans have the settings");
	}

	@Test
	void aBadPlanNameIsRefused() {
		assertThat(failure("--plan.Gold=per-second:1/1s")).contains("flag --plan.Gold: plan name must be");
		assertThat(failure(List.of(), Map.of("GOPHERFLUX_PLAN_MY_PLAN", "per-second:1/1s")))
				.contains("environment variable GOPHERFLUX_PLAN_MY_PLAN: plan name must be");
	}

	@Test
	void aPlanWithTwoQuotasOfOneNameIsRefused() {
		assertThat(failure("--plan.free=a:1/1s,a:2/1s")).contains("flag --plan.free: plan 'free' has two quotas named 'a'");
	}

	@Test
	void theRecordChecksItsFields() {
		ServerConfig defaults = ServerConfig.defaults();

		assertThatIllegalArgumentException().isThrownBy(() -> defaults.withPort(-1)).withMessageContaining("port");
		assertThatIllegalArgumentException().isThrownBy(() -> defaults.withPort(65_536)).withMessageContaining("65536");
		assertThatIllegalArgumentException().isThrownBy(() -> defaults.withDrainTimeout(Duration.ofSeconds(-1)))
				.withMessageContaining("drain timeout");
		assertThatIllegalArgumentException().isThrownBy(() -> defaults.withSseKeepAlive(Duration.ofMillis(99)))
				.withMessageContaining("99ms");
		assertThatIllegalArgumentException().isThrownBy(() -> defaults.withRedis("nonsense", FailurePolicy.FAIL_OPEN))
				.withMessageContaining("not a Redis URI");
		assertThatIllegalArgumentException().isThrownBy(() -> new ServerConfig("h", 1, Plans.defaults(), List.of(), null,
				FailurePolicy.FAIL_OPEN, Duration.ZERO, Duration.ofSeconds(1), 0, Duration.ofSeconds(3), CorsConfig.none()))
				.withMessageContaining("max clients");
		assertThatNullPointerException().isThrownBy(() -> new ServerConfig(null, 1, Plans.defaults(), List.of(), null,
				FailurePolicy.FAIL_OPEN, Duration.ZERO, Duration.ofSeconds(1), 1, Duration.ofSeconds(3), CorsConfig.none()))
				.withMessage("host");
		assertThatNullPointerException().isThrownBy(() -> defaults.withPlans(null)).withMessage("plans");
		assertThatNullPointerException().isThrownBy(() -> defaults.withTrustedProxies(null)).withMessage("trustedProxies");
		assertThatNullPointerException().isThrownBy(() -> defaults.withConnections(null)).withMessage("connections");
	}

	@Test
	void withersChangeOneField() {
		ServerConfig defaults = ServerConfig.defaults();
		Plans plans = new Plans(Map.of("free", Plan.free()), "free", Map.of());
		List<AddressRange> proxies = new ArrayList<>(List.of(AddressRange.parse("10.0.0.0/8")));

		assertThat(defaults.withPort(1)).isEqualTo(new ServerConfig("0.0.0.0", 1, Plans.defaults(), List.of(), null,
				FailurePolicy.FAIL_OPEN, Duration.ofSeconds(10), Duration.ofSeconds(15), InMemoryClientLimiter.DEFAULT_MAX_CLIENTS,
				Duration.ofSeconds(3), CorsConfig.none()));
		assertThat(defaults.withPlans(plans).plans()).isEqualTo(plans);
		ServerConfig proxied = defaults.withTrustedProxies(proxies);
		proxies.clear();
		assertThat(proxied.trustedProxies()).containsExactly(AddressRange.parse("10.0.0.0/8"));
		assertThat(defaults.withRedis("redis://h:1", FailurePolicy.FAIL_CLOSED).redisFailurePolicy())
				.isEqualTo(FailurePolicy.FAIL_CLOSED);
		assertThat(defaults.withRedis(null, FailurePolicy.FAIL_OPEN).redisUri()).isNull();
		assertThat(defaults.withDrainTimeout(Duration.ZERO).drainTimeout()).isZero();
		assertThat(defaults.withSseKeepAlive(Duration.ofMillis(100)).sseKeepAlive()).isEqualTo(Duration.ofMillis(100));
		ConnectionLimits limits = new ConnectionLimits(Duration.ofSeconds(1), Duration.ofSeconds(2), 3);
		assertThat(defaults.withConnections(limits).connections()).isEqualTo(limits);
		assertThat(defaults.withConnections(limits).withPort(1).connections()).as("kept by the other withers").isEqualTo(limits);
		assertThatThrownBy(() -> proxied.trustedProxies().add(AddressRange.parse("::1")))
				.isInstanceOf(UnsupportedOperationException.class);
	}

	@Test
	void browserOptionsDefaultToA3sRetryAndNoCrossOriginAccess() {
		ServerConfig config = ServerConfig.parse(List.of(), Map.of());

		assertThat(config.sseRetry()).isEqualTo(Duration.ofSeconds(3));
		assertThat(config.cors()).isEqualTo(CorsConfig.none());
		assertThat(config.cors().enabled()).isFalse();
	}

	@Test
	void browserOptionsAreReadFromFlagsAndTheEnvironment() {
		ServerConfig config = flags("--sse-retry=250ms", "--cors-origins=https://App.example.com, http://localhost:3000");

		assertThat(config.sseRetry()).isEqualTo(Duration.ofMillis(250));
		assertThat(config.cors().origins()).containsExactlyInAnyOrder("https://app.example.com", "http://localhost:3000");
		assertThat(config.cors().allows("http://localhost:3000")).isTrue();
		assertThat(config.cors().allows("http://localhost:3001")).isFalse();
		assertThat(env(Map.of("GOPHERFLUX_CORS_ORIGINS", "*", "GOPHERFLUX_SSE_RETRY", "1m")).cors().allows("http://x"))
				.isTrue();
		assertThat(env(Map.of("GOPHERFLUX_SSE_RETRY", "1m")).sseRetry()).isEqualTo(Duration.ofMinutes(1));
		assertThat(ServerConfig.defaults().withSseRetry(Duration.ofSeconds(9)).sseRetry()).isEqualTo(Duration.ofSeconds(9));
		assertThat(ServerConfig.defaults().withCors(CorsConfig.any()).cors().anyOrigin()).isTrue();
	}

	@Test
	void badBrowserOptionsAreReportedNamingTheirSource() {
		String message = failure("--sse-retry=50ms", "--cors-origins=https://a.example.com/, *");

		assertThat(message).contains("flag --sse-retry: must be from 100ms to 1h, was 50ms")
				.contains("flag --cors-origins: a CORS origin is scheme://host").contains("'https://a.example.com/'");
		assertThat(failure("--cors-origins=*,http://b")).contains("flag --cors-origins: '*' allows every origin");
		assertThat(failure("--sse-retry=2h")).contains("flag --sse-retry");
		assertThatIllegalArgumentException().isThrownBy(() -> ServerConfig.defaults().withSseRetry(Duration.ofMillis(99)))
				.withMessageContaining("SSE retry");
		assertThatNullPointerException().isThrownBy(() -> ServerConfig.defaults().withCors(null)).withMessage("cors");
	}
}
