package io.gopherflux.channel;

/** The TCK for {@link Tee#first()}; see {@link TeeBranchTckTest} for skipped rules. */
public class TeeFirstBranchTckTest extends TeeBranchTckTest {

	public TeeFirstBranchTckTest() {
		super(true, Tee.WhenOneCancels.KEEP_OTHER);
	}
}
