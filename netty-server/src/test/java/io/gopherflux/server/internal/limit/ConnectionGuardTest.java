package io.gopherflux.server.internal.limit;

import java.util.List;

import io.gopherflux.server.internal.http.HttpConformance;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import org.junit.jupiter.api.Test;
import reactor.netty.ConnectionObserver;
import reactor.netty.NettyPipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import io.gopherflux.server.limit.ConnectionLimits;
import io.gopherflux.server.limit.LimitMetrics;

class ConnectionGuardTest {

	@Test
	void nullArgumentsAreRefusedByName() {
		assertThatNullPointerException().isThrownBy(() -> new ConnectionGuard(null, List.of(), LimitMetrics.noop()))
				.withMessage("limits");
		assertThatNullPointerException().isThrownBy(() -> new ConnectionGuard(ConnectionLimits.defaults(), null,
				LimitMetrics.noop())).withMessage("exempt");
		assertThatNullPointerException().isThrownBy(() -> new ConnectionGuard(ConnectionLimits.defaults(), List.of(), null))
				.withMessage("metrics");
	}

	/**
	 * A request the conformance check refuses must never reach the guard's request counter: it would
	 * count a request in progress that no route answers, and stop the header-read timer of its head.
	 */
	@Test
	void theRequestCounterGoesAfterTheConformanceCheckWhicheverIsInstalledFirst() {
		for (boolean conformanceFirst : List.of(true, false)) {
			EmbeddedChannel channel = new EmbeddedChannel();
			channel.pipeline().addLast(NettyPipeline.HttpCodec, new HttpServerCodec());
			ConnectionGuard guard = new ConnectionGuard(ConnectionLimits.defaults(), List.of(), LimitMetrics.noop());
			if (conformanceFirst) {
				HttpConformance.install(ConnectionObserver.emptyListener(), channel, null);
			}
			guard.install(ConnectionObserver.emptyListener(), channel, null);
			if (!conformanceFirst) {
				HttpConformance.install(ConnectionObserver.emptyListener(), channel, null);
			}

			assertThat(channel.pipeline().names()).as("conformance installed first: %s", conformanceFirst)
					.containsSubsequence(ConnectionGuard.CAP, ConnectionGuard.HEAD_BYTES, NettyPipeline.HttpCodec,
							HttpConformance.NAME, ConnectionGuard.HEAD_REQUESTS);
			channel.finishAndReleaseAll();
		}
	}

	@Test
	void withoutTheConformanceCheckTheRequestCounterFollowsTheCodec() {
		EmbeddedChannel channel = new EmbeddedChannel();
		channel.pipeline().addLast(NettyPipeline.HttpCodec, new HttpServerCodec());

		new ConnectionGuard(ConnectionLimits.defaults(), List.of(), LimitMetrics.noop())
				.install(ConnectionObserver.emptyListener(), channel, null);

		List<String> names = channel.pipeline().names();
		assertThat(names.indexOf(ConnectionGuard.HEAD_REQUESTS)).isEqualTo(names.indexOf(NettyPipeline.HttpCodec) + 1);
		channel.finishAndReleaseAll();
	}
}
