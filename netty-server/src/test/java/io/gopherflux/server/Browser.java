package io.gopherflux.server;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.gopherflux.server.internal.http.Json;
import org.junit.jupiter.api.Assumptions;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * A real browser for tests: Debian's headless Chromium driven by its ChromeDriver over the W3C
 * WebDriver protocol (plain HTTP and JSON, no Selenium), with a fresh profile each time. It opens
 * pages, runs scripts in them, takes screenshots and reads the console's errors.
 * <p>
 * Without {@code chromium} and {@code chromedriver} on the PATH the calling test is skipped with
 * how to install them, except when the environment variable {@code CI} is set: there it fails, so
 * that a CI run cannot pass without a browser.
 */
public final class Browser implements AutoCloseable {

	private static final String HOW_TO_INSTALL = "apt-get install chromium chromium-driver (Debian/Ubuntu)";
	private static final Pattern STARTED = Pattern.compile("started successfully on port (\\d+)");
	/** A bound on starting the driver and the browser, which a busy machine makes slow. */
	private static final Duration START_WITHIN = Duration.ofSeconds(90);

	private final Process driver;
	private final Path profile;
	private final HttpClient http;
	private final String session;

	private Browser(Process driver, Path profile, HttpClient http, String session) {
		this.driver = driver;
		this.profile = profile;
		this.http = http;
		this.session = session;
	}

	/** A headless Chromium with an empty profile; skips the test (fails it under CI) when none is installed. */
	public static Browser start() {
		Path chromium = locate("chromium", "chromium-browser");
		Path chromedriver = locate("chromedriver");
		if (chromium == null || chromedriver == null) {
			String missing = (chromium == null ? "chromium " : "") + (chromedriver == null ? "chromedriver" : "");
			String ci = System.getenv("CI");
			if (ci != null && !ci.isBlank() && !ci.equalsIgnoreCase("false")) {
				fail("CI is set but " + missing.trim() + " is not installed, so the browser tests cannot run; "
						+ HOW_TO_INSTALL);
			}
			Assumptions.abort(missing.trim() + " not installed; the browser tests need it: " + HOW_TO_INSTALL);
		}
		Process driver = null;
		Path profile = null;
		try {
			profile = Files.createTempDirectory("gopherflux-chromium-");
			driver = new ProcessBuilder(chromedriver.toString(), "--port=0").redirectErrorStream(true).start();
			int port = driverPort(driver);
			HttpClient http = HttpClient.newBuilder().connectTimeout(TestClient.TIMEOUT).build();
			Map<String, Object> options = new LinkedHashMap<>();
			options.put("binary", chromium.toString());
			options.put("args", List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
					"--disable-background-networking", "--disable-component-update", "--disable-sync",
					"--disable-dev-shm-usage", "--window-size=1024,768", "--user-data-dir=" + profile));
			Map<String, Object> capabilities = new LinkedHashMap<>();
			capabilities.put("browserName", "chrome");
			capabilities.put("goog:chromeOptions", options);
			capabilities.put("goog:loggingPrefs", Map.of("browser", "ALL"));
			Object created = call(http, "POST", "http://127.0.0.1:" + port + "/session",
					Map.of("capabilities", Map.of("alwaysMatch", capabilities)), START_WITHIN);
			String session = (String) ((Map<?, ?>) created).get("sessionId");
			return new Browser(driver, profile, http, "http://127.0.0.1:" + port + "/session/" + session);
		}
		catch (IOException e) {
			stopped(driver, profile);
			throw new UncheckedIOException(e);
		}
		catch (RuntimeException | Error e) {
			stopped(driver, profile);
			throw e;
		}
	}

	/** Cleans up after a start that failed half way. */
	private static void stopped(Process driver, Path profile) {
		if (driver != null) {
			driver.destroyForcibly();
		}
		if (profile != null) {
			delete(profile);
		}
	}

	/** Loads {@code url} and waits for it to load. */
	public void open(String url) {
		command("POST", "/url", Map.of("url", url));
	}

	/**
	 * Runs {@code script} as the body of a function in the page, with {@code arguments}, and returns
	 * what it returns: JSON values as {@link TestJson} reads them (maps, lists, Long, Double, ...).
	 */
	public Object script(String script, Object... arguments) {
		return command("POST", "/execute/sync", Map.of("script", script, "args", List.of(arguments)));
	}

	/** {@link #script} returning a JSON object. */
	@SuppressWarnings("unchecked")
	public Map<String, Object> object(String script, Object... arguments) {
		return (Map<String, Object>) script(script, arguments);
	}

	/** A PNG of the viewport. */
	public byte[] screenshot() {
		return Base64.getDecoder().decode((String) command("GET", "/screenshot", null));
	}

	/** The messages the console logged at error level since the last call. */
	public List<String> consoleErrors() {
		List<String> errors = new ArrayList<>();
		for (Object entry : (List<?>) command("POST", "/se/log", Map.of("type", "browser"))) {
			Map<?, ?> log = (Map<?, ?>) entry;
			if ("SEVERE".equals(log.get("level"))) {
				errors.add((String) log.get("message"));
			}
		}
		return errors;
	}

	@Override
	public void close() {
		try {
			command("DELETE", "", null);
		}
		catch (RuntimeException e) {
			// the browser may already be gone; the driver is stopped below either way
		}
		finally {
			driver.destroy();
			try {
				if (!driver.waitFor(10, TimeUnit.SECONDS)) {
					driver.destroyForcibly();
				}
			}
			catch (InterruptedException e) {
				Thread.currentThread().interrupt();
				driver.destroyForcibly();
			}
			delete(profile);
		}
	}

	private Object command(String method, String path, Object body) {
		return call(http, method, session + path, body, TestClient.TIMEOUT);
	}

	/** One WebDriver command: its {@code value}, or an AssertionError carrying the driver's error. */
	private static Object call(HttpClient http, String method, String url, Object body, Duration timeout) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(timeout)
				.header("Content-Type", "application/json; charset=utf-8");
		request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
				: HttpRequest.BodyPublishers.ofString(Json.write(body), StandardCharsets.UTF_8));
		HttpResponse<String> response;
		try {
			response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted waiting for the browser", e);
		}
		Object value = ((Map<?, ?>) TestJson.parse(response.body())).get("value");
		if (response.statusCode() != 200) {
			throw new AssertionError("WebDriver " + method + " " + url + " failed: " + response.statusCode() + " " + value);
		}
		return value;
	}

	/** Reads the driver's output until it says its port (bounded), then drains the rest in the background. */
	private static int driverPort(Process driver) throws IOException {
		BufferedReader out = new BufferedReader(new InputStreamReader(driver.getInputStream(), StandardCharsets.UTF_8));
		CompletableFuture<Integer> port = CompletableFuture.supplyAsync(() -> {
			try {
				for (String line = out.readLine(); line != null; line = out.readLine()) {
					Matcher m = STARTED.matcher(line);
					if (m.find()) {
						return Integer.parseInt(m.group(1));
					}
				}
				throw new IllegalStateException("chromedriver exited before saying its port");
			}
			catch (IOException e) {
				throw new UncheckedIOException(e);
			}
		});
		try {
			int found = port.get(START_WITHIN.toSeconds(), TimeUnit.SECONDS);
			Thread drain = new Thread(() -> {
				try {
					while (out.readLine() != null) {
						// discard: a full pipe would block the driver
					}
				}
				catch (IOException e) {
					// the driver is gone
				}
			}, "chromedriver-output");
			drain.setDaemon(true);
			drain.start();
			return found;
		}
		catch (Exception e) {
			throw new IllegalStateException("chromedriver did not start within " + START_WITHIN, e);
		}
	}

	private static Path locate(String... names) {
		String path = Optional.ofNullable(System.getenv("PATH")).orElse("/usr/bin:/bin");
		for (String name : names) {
			for (String dir : path.split(File.pathSeparator)) {
				Path candidate = Path.of(dir, name);
				if (Files.isExecutable(candidate)) {
					return candidate;
				}
			}
		}
		return null;
	}

	private static void delete(Path dir) {
		try (Stream<Path> paths = Files.walk(dir)) {
			paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
		}
		catch (IOException e) {
			// a temporary directory left behind is not worth failing a test for
		}
	}
}
