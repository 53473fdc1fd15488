/** The tests every engine must pass, run by each engine module with a subclass of a few lines. */
package dev.pipelab.testsuite;
