/** Persistence SPI for API-made configuration and tasks. */
package dev.kiln.api.state;
