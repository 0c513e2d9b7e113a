package io.gopherflux.channel;

/** The TCK for {@link Tee#second()}; see {@link TeeBranchTckTest} for skipped rules. */
public class TeeSecondBranchTckTest extends TeeBranchTckTest {

	public TeeSecondBranchTckTest() {
		super(false, Tee.WhenOneCancels.CANCEL_BOTH);
	}
}
