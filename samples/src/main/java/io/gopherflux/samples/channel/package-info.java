/**
 * Examples of chapter 4's channel patterns: confinement, the for-select loop, preventing leaks,
 * error handling, pipelines, generators, and the or, or-done, tee and bridge channels.
 * <p>
 * Most show how little a Go idiom needs in Reactor ({@link ConfinementSample},
 * {@link ForSelectSample}, {@link PipelineSample}); the others drive the library's
 * {@code io.gopherflux.channel} types, for instance {@link OrChannelSample} (several done-signals
 * become one) and {@link TeeSample} (two branches in lockstep).
 */
package io.gopherflux.samples.channel;
