package io.gopherflux.steward;

/** Why a steward restarted its ward. */
public enum RestartReason {

	/** The ward sent no beat within the steward's timeout; the steward cancelled it. */
	HEARTBEAT_TIMEOUT("timeout"),

	/** The ward failed. */
	WARD_ERROR("error"),

	/** The ward completed. */
	WARD_COMPLETED("completed");

	private final String tag;

	RestartReason(String tag) {
		this.tag = tag;
	}

	/** {@return a short lowercase name, used as a meter tag} */
	public String tag() {
		return tag;
	}
}
