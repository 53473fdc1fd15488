/** The PipeLab API: servers, handlers, sessions, configuration and the client. */
package dev.pipelab.api;
