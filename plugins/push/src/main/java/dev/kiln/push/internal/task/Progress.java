package dev.kiln.push.internal.task;

import java.util.Properties;

/**
 * What the state store keeps of a task besides its request: enough for a restart to carry on
 * with the next sequence and the totals. The counters of a live connection are added when it
 * ends.
 */
final class Progress {
    String createdTime = "";
    PushState state = PushState.READY;
    int sequence;
    long sentBytes;
    long sentTime;
    long totalSentBytes;
    long totalSentTime;
    String startTime = "";
    String finishTime = "";
    String message = "";

    void store(Properties p) {
        p.setProperty("createdTime", createdTime);
        p.setProperty("state", state.apiName());
        p.setProperty("sequence", Integer.toString(sequence));
        p.setProperty("sentBytes", Long.toString(sentBytes));
        p.setProperty("sentTime", Long.toString(sentTime));
        p.setProperty("totalSentBytes", Long.toString(totalSentBytes));
        p.setProperty("totalSentTime", Long.toString(totalSentTime));
        p.setProperty("startTime", startTime);
        p.setProperty("finishTime", finishTime);
        p.setProperty("message", message);
    }

    static Progress load(Properties p) {
        Progress g = new Progress();
        g.createdTime = p.getProperty("createdTime", "");
        g.state = PushState.of(p.getProperty("state", "ready"));
        g.sequence = Integer.parseInt(p.getProperty("sequence", "0"));
        g.sentBytes = Long.parseLong(p.getProperty("sentBytes", "0"));
        g.sentTime = Long.parseLong(p.getProperty("sentTime", "0"));
        g.totalSentBytes = Long.parseLong(p.getProperty("totalSentBytes", "0"));
        g.totalSentTime = Long.parseLong(p.getProperty("totalSentTime", "0"));
        g.startTime = p.getProperty("startTime", "");
        g.finishTime = p.getProperty("finishTime", "");
        g.message = p.getProperty("message", "");
        return g;
    }
}
