/**
 * Examples of healing unhealthy goroutines: a steward replacing a ward that never pulses
 * ({@link IrresponsibleWardSample}), and one restarting a ward that stalls part-way while its
 * consumer reads one uninterrupted stream ({@link IntegerWardSample}).
 */
package io.gopherflux.samples.steward;
