/** Guice wiring: engine modules register their factories, one provider selects by key. */
package dev.pipelab.api.inject;
