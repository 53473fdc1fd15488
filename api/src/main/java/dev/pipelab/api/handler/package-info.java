/** The built-in handlers of PROTOCOL.md, the workloads of the report and the suites. */
package dev.pipelab.api.handler;
