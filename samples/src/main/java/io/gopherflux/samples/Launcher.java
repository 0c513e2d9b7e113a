package io.gopherflux.samples;

import java.io.PrintStream;
import java.util.Optional;

import reactor.core.scheduler.Schedulers;

/**
 * Runs the samples: {@code list} prints their names, {@code run NAME} runs one on real time.
 */
public final class Launcher {

	private Launcher() {
	}

	public static void main(String[] args) {
		System.exit(launch(args, System.out, System.err));
	}

	static int launch(String[] args, PrintStream out, PrintStream err) {
		if (args.length == 0 || (args.length == 1 && args[0].equals("list"))) {
			int width = Samples.all().stream().mapToInt(s -> s.name().length()).max().orElse(0);
			for (Sample sample : Samples.all()) {
				out.printf("%-" + width + "s  %s%n", sample.name(), sample.summary());
			}
			return 0;
		}
		if (args.length == 2 && args[0].equals("run")) {
			Optional<Sample> sample = Samples.named(args[1]);
			if (sample.isEmpty()) {
				err.println("no sample named '" + args[1] + "'; 'list' shows the names");
				return 2;
			}
			sample.get().run(out, Schedulers.parallel()).block();
			return 0;
		}
		err.println("usage: list | run NAME");
		return 2;
	}
}
