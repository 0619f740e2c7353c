package dev.kiln.push.internal.task;

/** States of a push task, as the API names them. */
public enum PushState {
    /** Reserved: the stream does not exist (yet, or any more); the push starts when it appears. */
    READY("ready"),
    /** Connected to the target and sending. */
    STARTED("started"),
    /** Inside a stop call. */
    STOPPING("stopping"),
    /** Stopped through the API; the id may be used again. */
    STOPPED("stopped"),
    /** The last connection attempt failed or the target dropped; a reconnect is scheduled. */
    ERROR("error");

    private final String apiName;

    PushState(String apiName) {
        this.apiName = apiName;
    }

    public String apiName() {
        return apiName;
    }

    /** Every state but {@code stopped} keeps the task (and its id) alive across restarts. */
    public boolean active() {
        return this != STOPPED;
    }

    static PushState of(String apiName) {
        for (PushState s : values()) {
            if (s.apiName.equals(apiName)) {
                return s;
            }
        }
        return READY;
    }
}
