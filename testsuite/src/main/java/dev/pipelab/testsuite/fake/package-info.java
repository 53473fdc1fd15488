/** What every engine's state-machine test against a scripted OS seam shares: log, clients, handler, checks. */
package dev.pipelab.testsuite.fake;
