package io.gopherflux.server;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Registered for every test class of this module (by service-loader autodetection, see
 * {@code junit-platform.properties}): it installs the {@link LeakRecorder} before any test class
 * loads a buffer, and fails a test class after which a leak report was recorded. A leak is
 * reported when the leaked buffer is collected, so the class that fails may come after the one
 * that leaked; the report's access records name the code.
 */
public final class LeakCheck implements AfterAllCallback {

	static {
		LeakRecorder.install();
	}

	@Override
	public void afterAll(ExtensionContext context) {
		var leaks = LeakRecorder.takeUnexpectedLeaks();
		if (!leaks.isEmpty()) {
			throw new AssertionError("Netty reported " + leaks.size() + " leak(s) by the end of "
					+ context.getDisplayName() + ":\n" + String.join("\n", leaks));
		}
	}
}
