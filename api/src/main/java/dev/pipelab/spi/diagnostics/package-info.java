/** What a running server costs, its threads, for the tests, the demo and the report. Not an application API. */
package dev.pipelab.spi.diagnostics;
