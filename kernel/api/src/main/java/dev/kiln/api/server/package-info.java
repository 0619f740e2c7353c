/** Server-wide settings exposed to plugins. */
package dev.kiln.api.server;
