/**
 * Examples of pipelines at scale: fanning a slow stage out over several workers
 * ({@link PrimeFinderSample}), where a queue helps and where it does not
 * ({@link QueuePlacementSample}), and chunked writes as the case where queuing pays
 * ({@link ChunkedWritesSample}).
 */
package io.gopherflux.samples.pipeline;
