/** The {@code ledger} handler: a durable ledger on SQLite that every engine serves. */
package dev.pipelab.ledger;
