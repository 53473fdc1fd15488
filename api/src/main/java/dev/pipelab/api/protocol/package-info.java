/** The wire protocol of PROTOCOL.md: length-prefixed frames and the error frame. */
package dev.pipelab.api.protocol;
