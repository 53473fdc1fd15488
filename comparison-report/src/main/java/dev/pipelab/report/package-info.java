/** The comparison report: the same workloads run on every engine, each in its own JVM, measured from outside. */
package dev.pipelab.report;
