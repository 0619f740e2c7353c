/**
 * Where the server may write files that API users name (recordings, HLS dumps): a list of
 * root folders a requested path must stay inside.
 */
package dev.kiln.api.storage;
