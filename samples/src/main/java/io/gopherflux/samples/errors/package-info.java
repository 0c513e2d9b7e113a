/**
 * Example of error propagation across module boundaries: {@link ErrorPropagationSample} runs a
 * failing job through three layers, once letting a low-level error escape and once wrapping it at
 * the boundary, and shows what the user sees and what is logged under the same ID.
 */
package io.gopherflux.samples.errors;
