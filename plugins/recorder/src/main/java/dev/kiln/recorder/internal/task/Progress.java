package dev.kiln.recorder.internal.task;

import java.util.Properties;

/**
 * What a task has recorded so far and what it is writing now: everything the state store
 * keeps besides the request, so that a restart resumes the sequence and finalizes a file a
 * crash left open.
 */
final class Progress {
    String transactionId = "";
    String createdTime = "";
    TaskState state = TaskState.READY;
    int nextSequence;
    int sequence;
    long recordBytes;
    long recordTime;
    long totalRecordBytes;
    long totalRecordTime;
    String startTime = "";
    String finishTime = "";
    String outputFilePath = "";
    String outputInfoPath = "";
    // The file being written (empty when none).
    String openTemp = "";
    String openInfo = "";
    String openStartTime = "";
    String openSourceStream = "";
    int openSequence;

    void store(Properties p) {
        p.setProperty("transactionId", transactionId);
        p.setProperty("createdTime", createdTime);
        p.setProperty("state", state.apiName());
        p.setProperty("nextSequence", Integer.toString(nextSequence));
        p.setProperty("sequence", Integer.toString(sequence));
        p.setProperty("recordBytes", Long.toString(recordBytes));
        p.setProperty("recordTime", Long.toString(recordTime));
        p.setProperty("totalRecordBytes", Long.toString(totalRecordBytes));
        p.setProperty("totalRecordTime", Long.toString(totalRecordTime));
        p.setProperty("startTime", startTime);
        p.setProperty("finishTime", finishTime);
        p.setProperty("outputFilePath", outputFilePath);
        p.setProperty("outputInfoPath", outputInfoPath);
        p.setProperty("open.temp", openTemp);
        p.setProperty("open.info", openInfo);
        p.setProperty("open.startTime", openStartTime);
        p.setProperty("open.sourceStream", openSourceStream);
        p.setProperty("open.sequence", Integer.toString(openSequence));
    }

    static Progress load(Properties p) {
        Progress g = new Progress();
        g.transactionId = p.getProperty("transactionId", "");
        g.createdTime = p.getProperty("createdTime", "");
        g.state = TaskState.of(p.getProperty("state", "ready"));
        g.nextSequence = Integer.parseInt(p.getProperty("nextSequence", "0"));
        g.sequence = Integer.parseInt(p.getProperty("sequence", "0"));
        g.recordBytes = Long.parseLong(p.getProperty("recordBytes", "0"));
        g.recordTime = Long.parseLong(p.getProperty("recordTime", "0"));
        g.totalRecordBytes = Long.parseLong(p.getProperty("totalRecordBytes", "0"));
        g.totalRecordTime = Long.parseLong(p.getProperty("totalRecordTime", "0"));
        g.startTime = p.getProperty("startTime", "");
        g.finishTime = p.getProperty("finishTime", "");
        g.outputFilePath = p.getProperty("outputFilePath", "");
        g.outputInfoPath = p.getProperty("outputInfoPath", "");
        g.openTemp = p.getProperty("open.temp", "");
        g.openInfo = p.getProperty("open.info", "");
        g.openStartTime = p.getProperty("open.startTime", "");
        g.openSourceStream = p.getProperty("open.sourceStream", "");
        g.openSequence = Integer.parseInt(p.getProperty("open.sequence", "0"));
        return g;
    }
}
