/** Domain errors raised towards the control API; the gateway maps each to one status. */
package dev.kiln.api.error;
