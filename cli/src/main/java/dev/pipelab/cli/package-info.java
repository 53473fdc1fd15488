/** The {@code pipelab} command: serve, send, demo. */
package dev.pipelab.cli;
