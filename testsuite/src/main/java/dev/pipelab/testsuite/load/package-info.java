/** A load driver: many clients from one thread, every reply checked byte for byte. */
package dev.pipelab.testsuite.load;
