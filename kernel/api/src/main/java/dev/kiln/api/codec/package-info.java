/** The seam between the kernel and the codec plugin: output profiles that need transcoding. */
package dev.kiln.api.codec;
