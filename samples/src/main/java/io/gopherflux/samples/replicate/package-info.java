/**
 * Example of replicated requests: {@link ReplicatedRequestsSample} sends one request to several
 * handlers and keeps the first answer, then again with hedging, starting one handler at a time.
 */
package io.gopherflux.samples.replicate;
