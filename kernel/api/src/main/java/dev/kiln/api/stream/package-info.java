/**
 * Live streams: how sources publish into the kernel's media bus and how sinks subscribe.
 */
package dev.kiln.api.stream;
