/**
 * Playback publishers (LL-HLS, …): what the kernel asks of a publisher plugin for the stream
 * API's sendEvent, startHlsDump and stopHlsDump, with their requests as plain values.
 */
package dev.kiln.api.publish;
