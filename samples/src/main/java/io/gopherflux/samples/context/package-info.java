/**
 * Examples of the context section: request-scoped values in the Reactor {@code Context}
 * ({@link ContextValuesSample}), deadlines that make a call give up or fail fast
 * ({@link GreetingSample}), and a long computation that can be stopped between chunks
 * ({@link PreemptibleSample}).
 */
package io.gopherflux.samples.context;
