package dev.kiln.api.stream;

/** A sink's attachment to a stream. Closing it ends delivery; queued packets are released. */
public interface Subscription extends AutoCloseable {

    /** Packets dropped because this sink fell behind. */
    long droppedPackets();

    @Override
    void close();
}
