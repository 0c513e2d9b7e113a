/**
 * The book's examples of chapters 4 and 5, each a small program over the gopherflux library.
 * <p>
 * Every example is a {@link Sample}: it has a name, prints to the stream it is given and reads
 * time from the scheduler it is given, so that its test can run it in virtual time and compare the
 * output line by line. {@link Samples#all()} lists them in the order of the book, and
 * {@link Launcher} runs one by name on real time ({@code list}, {@code run NAME}). The
 * sub-packages follow the library's: each holds the examples of one pattern family.
 */
package io.gopherflux.samples;
