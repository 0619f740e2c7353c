package dev.kiln.publish.llhls.internal.packager;

/**
 * One partial segment: a CMAF chunk of one track.
 *
 * @param msn         media sequence number of its segment
 * @param index       index within the segment, from 0
 * @param duration    seconds
 * @param independent starts with a key frame (always true for audio)
 * @param data        the chunk (emsg boxes, moof, mdat)
 */
public record Part(long msn, int index, double duration, boolean independent, byte[] data) {}
