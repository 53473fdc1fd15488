/**
 * What the engines share, for whoever writes an engine: sessions, queues, counters, threads and
 * close helpers; plain utilities, no control flow. Not an application API.
 */
package dev.pipelab.spi.engine;
