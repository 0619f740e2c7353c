/**
 * The seam to the recorder plugin for other bundles: record a live input stream into files of
 * a given container, follow its progress and hear about each finished file.
 */
package dev.kiln.api.record;
