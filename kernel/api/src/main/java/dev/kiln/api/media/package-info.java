/**
 * The media pipeline types shared by the kernel and plugins: streams of tracks carrying
 * reference-counted packets. Small on purpose; no transport or codec library types.
 */
package dev.kiln.api.media;
