package dev.kiln.recorder.internal.task;

/** States of a recording task, as the API names them. */
public enum TaskState {
    /** Waiting for the stream (it does not exist yet, or went away). */
    READY("ready"),
    RECORDING("recording"),
    STOPPING("stopping"),
    STOPPED("stopped"),
    ERROR("error");

    private final String apiName;

    TaskState(String apiName) {
        this.apiName = apiName;
    }

    public String apiName() {
        return apiName;
    }

    /** Ready and recording tasks are kept across restarts and take their stream when it appears. */
    public boolean active() {
        return this == READY || this == RECORDING;
    }

    static TaskState of(String apiName) {
        for (TaskState s : values()) {
            if (s.apiName.equals(apiName)) {
                return s;
            }
        }
        return READY;
    }
}
