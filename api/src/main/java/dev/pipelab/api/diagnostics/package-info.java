/** What a running server costs: its threads, for tests, the demo and the report. */
package dev.pipelab.api.diagnostics;
