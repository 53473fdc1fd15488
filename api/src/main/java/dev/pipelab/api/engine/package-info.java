/** Plain utilities every engine shares: queues, counters, threads; no control flow. */
package dev.pipelab.api.engine;
