/**
 * Examples of heartbeats: pulses on an interval ({@link IntervalHeartbeatSample}), one pulse per
 * unit of work ({@link PerUnitHeartbeatSample}), and a worker that stops pulsing and is noticed by
 * the consumer's watchdog ({@link UnhealthyWorkerSample}).
 */
package io.gopherflux.samples.heartbeat;
