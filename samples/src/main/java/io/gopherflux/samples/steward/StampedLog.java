package io.gopherflux.samples.steward;

import java.io.PrintStream;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.TimeUnit;

import reactor.core.scheduler.Scheduler;

/** Prints lines prefixed with the scheduler's time of day in UTC, as Go's log with Ltime|LUTC. */
final class StampedLog {

	private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

	private final PrintStream out;
	private final Scheduler scheduler;

	StampedLog(PrintStream out, Scheduler scheduler) {
		this.out = out;
		this.scheduler = scheduler;
	}

	void println(String line) {
		LocalTime time = LocalTime.ofInstant(Instant.ofEpochMilli(scheduler.now(TimeUnit.MILLISECONDS)), ZoneOffset.UTC);
		out.println(TIME.format(time) + " " + line);
	}
}
